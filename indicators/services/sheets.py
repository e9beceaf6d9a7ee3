"""The data-sheet lifecycle: create, import (preview, then apply), edit, submit, return, accept."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from operator import attrgetter

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Field, Max
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from indicators import permissions
from indicators.imports.types import Problem
from indicators.models import (
    DataSheet,
    Observation,
    ReportingRound,
    SheetEvent,
    UploadedFile,
    ValueComment,
)
from indicators.services.validation import Candidate, RowMapper
from portal.models import Country, User

Key = tuple[int, int | None, str, int]
STAGING_SALT = "indicators.staged-upload"


class StaleSheetError(ValidationError):
    """Someone else changed the sheet since this form was opened."""


def _stale() -> StaleSheetError:
    return StaleSheetError(
        _(
            "Someone else changed this data sheet since you opened it. Nothing was saved: "
            "reload the page to see their changes, then make yours again."
        )
    )


def _lock(sheet: DataSheet, expected_lock_version: int | None) -> DataSheet:
    """Lock the row, refuse a stale form, and bump the edit counter."""
    locked = DataSheet.objects.select_for_update().get(pk=sheet.pk)
    if expected_lock_version is not None and locked.lock_version != expected_lock_version:
        raise _stale()
    DataSheet.objects.filter(pk=sheet.pk).update(lock_version=F("lock_version") + 1)
    locked.lock_version += 1
    return locked


def _event(
    sheet: DataSheet,
    kind: str,
    user: User | None,
    *,
    address: str | None = None,
    upload: UploadedFile | None = None,
    comment: str = "",
    details: dict | None = None,
) -> SheetEvent:
    return SheetEvent.objects.create(
        sheet=sheet,
        kind=kind,
        actor=user,
        address=address,
        upload=upload,
        comment=comment,
        details=details or {},
    )


# --- creating ---------------------------------------------------------------------------


def datasheet_create(
    *, country: Country, round: ReportingRound, user: User, address: str | None = None
) -> DataSheet:
    """Open a draft for `country` in `round`, starting from the current accepted values.

    Raises PermissionDenied for anyone but the country's focal point, ValidationError when an
    open sheet already exists or the round is closed.
    """
    if not permissions.can_edit_country_sheets(user, country):
        raise PermissionDenied(_("Only the country's focal point can open a data sheet."))
    if not round.is_open:
        raise ValidationError(_("The reporting round %(round)s is closed.") % {"round": round.name})
    with transaction.atomic():
        Country.objects.select_for_update().filter(pk=country.pk).first()
        existing = DataSheet.objects.filter(
            country=country, round=round, status__in=DataSheet.OPEN
        ).first()
        if existing is not None:
            raise ValidationError(
                _("An open data sheet already exists for this round: version %(v)s.")
                % {"v": existing.version}
            )
        current = DataSheet.objects.filter(country=country, round=round, is_current=True).first()
        last_version = (
            DataSheet.objects.filter(country=country, round=round).aggregate(v=Max("version"))["v"]
            or 0
        )
        sheet = DataSheet.objects.create(
            country=country,
            round=round,
            version=last_version + 1,
            supersedes=current,
            created_by=user,
        )
        if current is not None:
            _copy_observations(current, sheet)
        _event(
            sheet,
            SheetEvent.Kind.CREATED,
            user,
            address=address,
            details={"from_version": current.version if current else None},
        )
    return sheet


def _observation_columns() -> list[Field]:
    """Every stored column of an observation but its id, `sheet` first."""
    fields = [f for f in Observation._meta.concrete_fields if not f.primary_key]
    return sorted(fields, key=lambda f: f.name != "sheet")


def _copy_observations(source: DataSheet, target: DataSheet) -> None:
    """Copy every value of `source` into `target` in one INSERT ... SELECT, provenance included.

    Each copy keeps its file, row, who entered it and when, so a new version still says where
    every value came from. Plain SQL that PostgreSQL and SQLite both run; the copies get their
    ids in the order of the originals.
    """
    quote = connection.ops.quote_name
    sheet, *others = (quote(f.column) for f in _observation_columns())
    table, pk = quote(Observation._meta.db_table), quote(Observation._meta.pk.column)
    rest = ", ".join(others)
    with connection.cursor() as cursor:  # table and column names come from the model
        cursor.execute(
            f"INSERT INTO {table} ({sheet}, {rest}) SELECT %s, {rest} FROM {table} "  # nosec B608
            f"WHERE {sheet} = %s ORDER BY {pk}",
            [target.pk, source.pk],
        )


# --- importing: stage, preview, apply --------------------------------------------------


@dataclass
class DiffLine:
    key: Key
    old: Decimal | None
    new: Decimal | None


@dataclass
class ImportPreview:
    """What an upload would do; nothing of it is stored until `datasheet_import_apply`."""

    token: str
    files: list[str]
    problems: list[Problem] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    added: list[DiffLine] = field(default_factory=list)
    changed: list[DiffLine] = field(default_factory=list)
    removed: list[DiffLine] = field(default_factory=list)
    unchanged: int = 0
    outliers: list[DiffLine] = field(default_factory=list)
    not_tracked: dict[str, int] = field(default_factory=dict)
    unknown_sources: set[str] = field(default_factory=set)
    skipped_blank: int = 0
    formats: set[str] = field(default_factory=set)
    #: what the parsers noted (encoding, attribute columns left out)
    notes: list[str] = field(default_factory=list)
    #: accepted with a warning: message -> places (rows, or SDMX series key and period)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    #: read but not used by the engine (a quarter of an incomplete year): label -> rows
    not_used: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def upload_stage(*, sheet: DataSheet, user: User, files: Iterable[tuple[str, bytes]]) -> str:
    """Keep uploaded files aside (not in the database) until the focal point confirms.

    Returns a signed token naming the staged files, bound to this user and sheet.
    """
    folder, names = stage_files(files)
    return signing.dumps(
        {"folder": folder, "files": names, "user": user.pk, "sheet": sheet.pk}, salt=STAGING_SALT
    )


def stage_files(
    files: Iterable[tuple[str, bytes]], prefix: str = ""
) -> tuple[str, list[tuple[str, str]]]:
    """Save files in a new staging folder: (folder, [(stored name, original name)])."""
    folder = f"staging/{prefix}{uuid.uuid4().hex}"
    names = []
    for index, (name, data) in enumerate(files):
        safe = f"{index:02d}-{get_valid_filename(name)[-120:] or 'upload'}"
        default_storage.save(f"{folder}/{safe}", ContentFile(data))
        names.append((safe, name))
    return folder, names


def _staged(token: str, *, sheet: DataSheet, user: User) -> tuple[str, list[tuple[str, str]]]:
    try:
        payload = signing.loads(token, salt=STAGING_SALT, max_age=24 * 3600)
    except signing.BadSignature as exc:
        raise ValidationError(
            _("This upload expired or was not yours: upload the files again.")
        ) from exc
    if payload["user"] != user.pk or payload["sheet"] != sheet.pk:
        raise ValidationError(_("This upload expired or was not yours: upload the files again."))
    return payload["folder"], [tuple(pair) for pair in payload["files"]]


def _current_values(sheet: DataSheet) -> dict[Key, Decimal]:
    rows = sheet.observations.values_list(
        "indicator_id", "area_id", "disaggregation", "year", "value"
    )
    return {(i, a, d, y): v for i, a, d, y, v in rows}


def _accepted_values(sheet: DataSheet) -> dict[Key, Decimal]:
    current = DataSheet.objects.filter(
        country=sheet.country, round=sheet.round, is_current=True
    ).first()
    return _current_values(current) if current else {}


def _outliers(
    candidates: list[Candidate], previous: dict[Key, Decimal], factors: dict[int, float]
) -> list[DiffLine]:
    flagged = []
    for candidate in candidates:
        old = previous.get(candidate.key)
        if old is None or old == 0 or candidate.value == 0:
            continue
        ratio = float(candidate.value / old)
        factor = factors.get(candidate.indicator_id, 2.0)
        if ratio > factor or ratio < 1 / factor:
            flagged.append(DiffLine(candidate.key, old, candidate.value))
    return flagged


def datasheet_import_preview(
    *,
    sheet: DataSheet,
    user: User,
    token: str,
    fmt: str | None = None,
    indicator: str | None = None,
    max_bytes: int | None = None,
) -> ImportPreview:
    """Parse, map and validate the staged files and compare them with the sheet; store nothing."""
    from django.conf import settings

    from indicators.imports import parse_upload
    from indicators.models import Indicator

    folder, names = _staged(token, sheet=sheet, user=user)
    preview = ImportPreview(token=token, files=[original for _safe, original in names])
    parsed_rows = []
    for safe, original in names:
        if not default_storage.exists(f"{folder}/{safe}"):
            raise ValidationError(
                _(
                    "These files were already stored, or the upload expired: upload them again if needed."
                )
            )
        with default_storage.open(f"{folder}/{safe}", "rb") as handle:
            result = parse_upload(
                original,
                handle.read(),
                fmt,
                indicator=indicator,
                max_bytes=max_bytes or settings.PORTAL_MAX_UPLOAD_BYTES,
            )
        preview.formats.add(result.format)
        preview.problems.extend(result.problems)
        preview.skipped_blank += result.skipped_blank
        preview.notes.extend(f"{original}: {note}" for note in result.notes)
        preview.not_used.update(result.not_used)
        parsed_rows.extend(result.rows)
    mapper = RowMapper(country=sheet.country)
    mapped = mapper.map_rows(parsed_rows)
    dropped = {id(problem) for problem in mapper.untracked_problems(preview.problems)}
    preview.problems = [p for p in preview.problems if id(p) not in dropped]
    preview.problems.extend(mapped.problems)
    preview.warnings = mapped.warnings
    preview.candidates = mapped.candidates
    preview.not_tracked = mapped.not_tracked
    preview.unknown_sources = mapped.unknown_sources
    current = _current_values(sheet)
    covered = {candidate.indicator_id for candidate in mapped.candidates}
    incoming = {candidate.key: candidate.value for candidate in mapped.candidates}
    for key, value in incoming.items():
        if key not in current:
            preview.added.append(DiffLine(key, None, value))
        elif current[key] != value:
            preview.changed.append(DiffLine(key, current[key], value))
        else:
            preview.unchanged += 1
    preview.removed = [
        DiffLine(k, v, None) for k, v in current.items() if k[0] in covered and k not in incoming
    ]
    factors = dict(Indicator.objects.filter(pk__in=covered).values_list("pk", "outlier_factor"))
    preview.outliers = _outliers(mapped.candidates, _accepted_values(sheet), factors)
    return preview


def datasheet_import_apply(
    *,
    sheet: DataSheet,
    user: User,
    token: str,
    expected_lock_version: int,
    confirm_outliers: bool = False,
    fmt: str | None = None,
    indicator: str | None = None,
    address: str | None = None,
    preview: ImportPreview | None = None,
) -> ImportPreview:
    """Store the staged upload: its values replace the sheet's values for the indicators it covers.

    All or nothing: any problem, an unconfirmed outlier or a stale form raises ValidationError
    and stores nothing. A caller that has just previewed this token in the same process may pass
    that `preview` to avoid parsing the files twice; `expected_lock_version` still guarantees the
    sheet did not change in between.
    """
    if not permissions.can_edit_country_sheets(user, sheet.country):
        raise PermissionDenied(_("Only the country's focal point can change this data sheet."))
    if preview is None or preview.token != token:
        preview = datasheet_import_preview(
            sheet=sheet, user=user, token=token, fmt=fmt, indicator=indicator
        )
    if not preview.ok:
        raise ValidationError(_("The upload has problems; nothing was stored."))
    if preview.outliers and not confirm_outliers:
        raise ValidationError(
            _("Some values changed a lot since the last accepted version: confirm them first.")
        )
    folder, names = _staged(token, sheet=sheet, user=user)
    with transaction.atomic():
        locked = _lock(sheet, expected_lock_version)
        if not locked.is_editable:
            raise ValidationError(
                _("This data sheet is %(status)s and cannot be changed.")
                % {"status": locked.get_status_display()}
            )
        uploads = _store_uploads(folder, names, user, preview)
        covered = {c.indicator_id for c in preview.candidates}
        _observations_delete(locked, covered)
        _observations_insert(locked, preview.candidates, uploads, user, timezone.now())
        for upload in uploads.values():
            _event(
                locked,
                SheetEvent.Kind.UPLOADED,
                user,
                address=address,
                upload=upload,
                details={
                    "added": len(preview.added),
                    "changed": len(preview.changed),
                    "removed": len(preview.removed),
                    "unchanged": preview.unchanged,
                    "not_tracked": preview.not_tracked,
                },
            )
    transaction.on_commit(lambda: _unstage(folder, names))
    sheet.refresh_from_db()
    return preview


def _unstage(folder: str, names: list[tuple[str, str]]) -> None:
    for safe, _original in names:
        default_storage.delete(f"{folder}/{safe}")


def _store_uploads(
    folder: str, names: list[tuple[str, str]], user: User, preview: ImportPreview
) -> dict[str, UploadedFile]:
    uploads = {}
    fmt = ",".join(sorted(preview.formats))
    for safe, original in names:
        with default_storage.open(f"{folder}/{safe}", "rb") as handle:
            data = handle.read()
        upload = UploadedFile(
            original_name=original[:255],
            format=fmt[:12],
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=user,
        )
        upload.file.save(
            get_valid_filename(original)[-100:] or "upload", ContentFile(data), save=False
        )
        upload.save()
        uploads[original] = upload
    return uploads


#: Observation field -> the Candidate attribute it is stored from
_FROM_CANDIDATE = {
    "indicator": "indicator_id",
    "area": "area_id",
    "disaggregation": "disaggregation",
    "year": "year",
    "period": "period",
    "value": "value",
    "unit": "unit",
    "nature": "nature",
    "operation": "operation_id",
    "source": "source",
    "footnote": "footnote",
    "source_row": "row",
}
INSERT_BATCH = 5000


def _observations_delete(sheet: DataSheet, indicator_ids: set[int]) -> None:
    """Delete the sheet's values of these indicators, and the review comments made on them.

    The comments are what the ORM's cascade would delete; doing it in two statements spares
    loading every observation into memory first.
    """
    if not indicator_ids:
        return
    ValueComment.objects.filter(
        observation__sheet=sheet, observation__indicator_id__in=indicator_ids
    ).delete()
    quote = connection.ops.quote_name
    meta = Observation._meta
    ids = sorted(indicator_ids)
    with connection.cursor() as cursor:  # table and column names come from the model
        cursor.execute(
            f"DELETE FROM {quote(meta.db_table)} "  # nosec B608
            f"WHERE {quote(meta.get_field('sheet').column)} = %s "
            f"AND {quote(meta.get_field('indicator').column)} IN ({', '.join(['%s'] * len(ids))})",
            [sheet.pk, *ids],
        )


def _observations_insert(
    sheet: DataSheet,
    candidates: list[Candidate],
    uploads: dict[str, UploadedFile],
    user: User,
    now: datetime,
) -> None:
    """Store validated values with their provenance: COPY on PostgreSQL, batched INSERTs elsewhere.

    Builds plain tuples, not model instances: the candidates are validated already (values are
    Decimals quantized to the column's places), and preparing 50,000 instances field by field
    cost more than storing them. A field added to Observation later gets its default, as with
    the ORM.
    """
    from_candidate = [f for f in _observation_columns() if f.name in _FROM_CANDIDATE]
    upload_field = Observation._meta.get_field("upload")
    given = {"sheet": sheet.pk, "entered_by": user.pk, "entered_at": now}
    constant_fields = [
        f for f in _observation_columns() if f.name not in _FROM_CANDIDATE and f is not upload_field
    ]
    constants = tuple(
        f.get_db_prep_save(given[f.name] if f.name in given else f.get_default(), connection)
        for f in constant_fields
    )
    read = attrgetter(*(_FROM_CANDIDATE[f.name] for f in from_candidate))
    upload_ids = {name: upload.pk for name, upload in uploads.items()}
    rows = [(*read(c), upload_ids.get(c.file), *constants) for c in candidates]
    columns = [f.column for f in (*from_candidate, upload_field, *constant_fields)]
    _insert_rows(Observation._meta.db_table, columns, rows)


def _insert_rows(table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        driver_cursor = cursor.cursor
        if connection.vendor == "postgresql" and hasattr(driver_cursor, "copy"):
            with (
                connection.wrap_database_errors,
                driver_cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # nosec B608
        for start in range(0, len(rows), INSERT_BATCH):
            cursor.executemany(sql, rows[start : start + INSERT_BATCH])


# --- editing values in the grid -------------------------------------------------------


def observations_update(
    *,
    sheet: DataSheet,
    user: User,
    changes: dict[int, tuple[Decimal, str]],
    expected_lock_version: int,
    address: str | None = None,
) -> int:
    """Correct values of an editable sheet from the grid, all or nothing; returns how many changed.

    `changes` maps observation id -> (value, footnote). The old values stay in the history.
    """
    if not permissions.can_edit_country_sheets(user, sheet.country):
        raise PermissionDenied(_("Only the country's focal point can change this data sheet."))
    with transaction.atomic():
        locked = _lock(sheet, expected_lock_version)
        if not locked.is_editable:
            raise ValidationError(
                _("This data sheet is %(status)s and cannot be changed.")
                % {"status": locked.get_status_display()}
            )
        observations = locked.observations.select_related("indicator").in_bulk(list(changes))
        if len(observations) != len(changes):
            raise ValidationError(_("Some of these values are not in this data sheet."))
        changed = 0
        for obs_id, (value, footnote) in changes.items():
            obs = observations[obs_id]
            if obs.value == value and obs.footnote == footnote:
                continue
            _observation_change(locked, obs, value, footnote, user, address)
            changed += 1
    return changed


def _observation_change(
    locked: DataSheet,
    obs: Observation,
    value: Decimal,
    footnote: str,
    user: User,
    address: str | None,
) -> None:
    indicator = obs.indicator
    low, high = indicator.value_min, indicator.value_max
    if (low is not None and value < Decimal(str(low))) or (
        high is not None and value > Decimal(str(high))
    ):
        raise ValidationError(
            _("%(code)s %(year)s: out of range, values must lie between %(low)s and %(high)s")
            % {"code": indicator.code, "year": obs.year, "low": low, "high": high}
        )
    old_value, old_footnote = obs.value, obs.footnote
    obs.value, obs.footnote, obs.entered_by, obs.entered_at, obs.upload, obs.source_row = (
        value,
        footnote,
        user,
        timezone.now(),
        None,
        None,
    )
    obs.save(
        update_fields=["value", "footnote", "entered_by", "entered_at", "upload", "source_row"]
    )
    _event(
        locked,
        SheetEvent.Kind.EDITED,
        user,
        address=address,
        details={
            "observation": obs.pk,
            "indicator": indicator.code,
            "year": obs.year,
            "area": obs.area_id,
            "disaggregation": obs.disaggregation,
            "old_value": str(old_value),
            "new_value": str(value),
            "old_footnote": old_footnote,
            "new_footnote": footnote,
        },
    )


# --- submit, return, accept -----------------------------------------------------------


def datasheet_submit(
    *,
    sheet: DataSheet,
    user: User,
    expected_lock_version: int | None = None,
    address: str | None = None,
) -> DataSheet:
    """The focal point sends the sheet for review. Submitting twice is harmless."""
    if not permissions.can_edit_country_sheets(user, sheet.country):
        raise PermissionDenied(_("Only the country's focal point can submit this data sheet."))
    with transaction.atomic():
        locked = DataSheet.objects.select_for_update().get(pk=sheet.pk)
        if locked.status == DataSheet.Status.SUBMITTED:
            return locked
        locked = _lock(sheet, expected_lock_version)
        if not locked.is_editable:
            raise ValidationError(
                _("This data sheet is %(status)s and cannot be submitted.")
                % {"status": locked.get_status_display()}
            )
        if not locked.observations.exists():
            raise ValidationError(
                _("The data sheet has no values yet: import a file or enter values first.")
            )
        locked.status = DataSheet.Status.SUBMITTED
        locked.submitted_by, locked.submitted_at = user, timezone.now()
        locked.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
        event = _event(locked, SheetEvent.Kind.SUBMITTED, user, address=address)
        _notify(event)
    return locked


def datasheet_return(
    *,
    sheet: DataSheet,
    user: User,
    comment: str,
    value_comments: dict[int, str] | None = None,
    address: str | None = None,
) -> DataSheet:
    """The coordinator sends the sheet back to the focal point, with comments."""
    if not permissions.can_review(user):
        raise PermissionDenied(_("Only the coordinator can review data sheets."))
    if not comment.strip():
        raise ValidationError(
            {"comment": _("Say what needs to change: a comment is required to return a sheet.")}
        )
    with transaction.atomic():
        locked = _lock(sheet, None)
        if locked.status != DataSheet.Status.SUBMITTED:
            raise ValidationError(
                _("Only a submitted sheet can be returned; this one is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        locked.status = DataSheet.Status.RETURNED
        locked.reviewed_by, locked.reviewed_at, locked.review_comment = (
            user,
            timezone.now(),
            comment,
        )
        locked.save(
            update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "updated_at"]
        )
        _review_comments_store(
            sheet=locked, user=user, comment=comment, value_comments=value_comments
        )
        event = _event(locked, SheetEvent.Kind.RETURNED, user, address=address, comment=comment)
        _notify(event)
    return locked


def _review_comments_store(
    *, sheet: DataSheet, user: User, comment: str, value_comments: dict[int, str] | None
) -> None:
    """Keep the reviewer's words: the sheet comment and one comment per commented value.

    Comments on values that are not in this sheet are ignored (a stale form); blank ones too.
    """
    if comment.strip():
        ValueComment.objects.create(sheet=sheet, author=user, text=comment)
    value_comments = {
        obs_id: text for obs_id, text in (value_comments or {}).items() if text.strip()
    }
    valid_ids = set(
        sheet.observations.filter(pk__in=value_comments.keys()).values_list("pk", flat=True)
    )
    ValueComment.objects.bulk_create(
        [
            ValueComment(sheet=sheet, observation_id=obs_id, author=user, text=text)
            for obs_id, text in value_comments.items()
            if obs_id in valid_ids
        ]
    )


def datasheet_accept(
    *,
    sheet: DataSheet,
    user: User,
    comment: str = "",
    value_comments: dict[int, str] | None = None,
    address: str | None = None,
) -> DataSheet:
    """The coordinator publishes the sheet: it becomes the current version and is locked for good.

    The review comment and the comments on single values are kept, as on a return.
    """
    if not permissions.can_review(user):
        raise PermissionDenied(_("Only the coordinator can review data sheets."))
    with transaction.atomic():
        locked = _lock(sheet, None)
        if locked.status != DataSheet.Status.SUBMITTED:
            raise ValidationError(
                _("Only a submitted sheet can be accepted; this one is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        previous = (
            DataSheet.objects.select_for_update()
            .filter(country=locked.country, round=locked.round, is_current=True)
            .first()
        )
        if previous is not None:
            previous.is_current = False
            previous.save(update_fields=["is_current", "updated_at"])
            _event(
                previous,
                SheetEvent.Kind.SUPERSEDED,
                user,
                address=address,
                details={"by_version": locked.version},
            )
        locked.status, locked.is_current = DataSheet.Status.ACCEPTED, True
        locked.reviewed_by, locked.reviewed_at, locked.review_comment = (
            user,
            timezone.now(),
            comment,
        )
        try:
            locked.save(
                update_fields=[
                    "status",
                    "is_current",
                    "reviewed_by",
                    "reviewed_at",
                    "review_comment",
                    "updated_at",
                ]
            )
        except IntegrityError as exc:
            raise _stale() from exc
        _review_comments_store(
            sheet=locked, user=user, comment=comment, value_comments=value_comments
        )
        event = _event(locked, SheetEvent.Kind.ACCEPTED, user, address=address, comment=comment)
        _notify(event)
        # The run is recorded in this transaction and its task goes through the outbox,
        # so a broker outage delays the recomputation but never loses it.
        from indicators.reports.services import engine_queue_for_sheet

        engine_queue_for_sheet(sheet_id=locked.pk)
    return locked


def _notify(event: SheetEvent) -> None:
    from portal.outbox import enqueue
    from portal.services import audit_record

    sheet = event.sheet
    audit_record(
        action=f"datasheet.{event.kind}",
        obj=sheet,
        actor=event.actor,
        address=event.address,
        summary=f"{sheet.country.iso3} {sheet.round.code} v{sheet.version} {event.kind}",
        details={"comment": event.comment} if event.comment else None,
    )

    enqueue("indicators.tasks.sheet_event_notify", event.pk, key=f"sheet:{sheet.pk}")
