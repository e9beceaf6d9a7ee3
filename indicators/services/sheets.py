"""The data-sheet lifecycle: create, import (preview, then apply), edit, submit, return, accept."""

from __future__ import annotations

import hashlib
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from operator import attrgetter

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Field, Max
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from indicators import permissions
from indicators.imports.types import ParsedRow, ParseResult, Problem
from indicators.models import (
    DataSheet,
    Observation,
    ReportingRound,
    SheetEvent,
    UploadedFile,
    ValueComment,
)
from indicators.services.observation_store import instances_update
from indicators.services.validation import Candidate, RowMapper
from portal.logging import log_event, since
from portal.models import Country, User
from portal.selectors import country_lookup

logger = logging.getLogger(__name__)

Key = tuple[int, int | None, str, int]
STAGING_SALT = "indicators.staged-upload"

#: How an upload meets the values already in the sheet: `merge` changes only the rows in the
#: files; `replace` also removes the values of the files' indicators that the files lack.
MERGE, REPLACE = "merge", "replace"
IMPORT_MODES = (MERGE, REPLACE)


class StaleSheetError(ValidationError):
    """Someone else changed the sheet since this form was opened."""


class RemovalsNotConfirmed(ValidationError):
    """A `replace` upload would remove values and nobody confirmed it; `labels` names them."""

    def __init__(self, labels: list[str]) -> None:
        self.labels = labels
        super().__init__(
            _(
                "This upload would remove %(count)s values from the sheet; confirm the removals "
                "first. Nothing was stored."
            )
            % {"count": len(labels)}
        )


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
    mode: str = "merge"
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


STAGING_DIR = "staging"
#: Staged files nobody applied are deleted after this long (the token expires then too).
STAGING_MAX_AGE_SECONDS = 24 * 3600


def _mb(size: int) -> str:
    return number_format(size / 2**20, 1)


def upload_refusals(files: Sequence[tuple[str, int]]) -> list[str]:
    """Why the files of one upload request are refused, before any is read: how many are
    sent, each file's size and their total, each message naming the file and the limit."""
    from django.conf import settings

    refusals = []
    most, limit, total_limit = (
        settings.PORTAL_MAX_UPLOAD_FILES,
        settings.PORTAL_MAX_UPLOAD_BYTES,
        settings.PORTAL_MAX_UPLOAD_TOTAL_BYTES,
    )
    if len(files) > most:
        refusals.append(
            _("%(count)s files were sent; at most %(limit)s are accepted in one upload.")
            % {"count": len(files), "limit": most}
        )
    for name, size in files:
        if size > limit:
            refusals.append(
                _("%(name)s is %(size)s MB; the limit is %(limit)s MB.")
                % {"name": name, "size": _mb(size), "limit": _mb(limit)}
            )
    total = sum(size for _name, size in files)
    if total > total_limit:
        refusals.append(
            _("The files sent together are %(size)s MB; the limit for one upload is %(limit)s MB.")
            % {"size": _mb(total), "limit": _mb(total_limit)}
        )
    return refusals


def upload_stage(*, sheet: DataSheet, user: User, files: Iterable[tuple[str, bytes]]) -> str:
    """Keep uploaded files aside (not in the database) until the focal point confirms.

    Returns a signed token naming the staged files, bound to this user and sheet. Staged files
    are deleted once applied or refused, and after STAGING_MAX_AGE_SECONDS in any case (swept
    here, and by the `staged_uploads_sweep` task).
    """
    staged_uploads_sweep()
    folder, names = stage_files(files)
    return signing.dumps(
        {"folder": folder, "files": names, "user": user.pk, "sheet": sheet.pk}, salt=STAGING_SALT
    )


def stage_files(
    files: Iterable[tuple[str, bytes]], prefix: str = ""
) -> tuple[str, list[tuple[str, str]]]:
    """Save files in a new staging folder: (folder, [(stored name, original name)])."""
    folder = f"{STAGING_DIR}/{prefix}{uuid.uuid4().hex}"
    names = []
    for index, (name, data) in enumerate(files):
        safe = f"{index:02d}-{get_valid_filename(name)[-120:] or 'upload'}"
        default_storage.save(f"{folder}/{safe}", ContentFile(data))
        names.append((safe, name))
    return folder, names


def upload_discard(*, token: str, sheet: DataSheet, user: User) -> None:
    """Delete the files staged under this token (nothing happens for an unknown token)."""
    try:
        folder, names = _staged(token, sheet=sheet, user=user)
    except ValidationError:
        return
    _unstage(folder, names)


def staged_uploads_sweep(*, max_age_seconds: int = STAGING_MAX_AGE_SECONDS) -> int:
    """Delete staged uploads older than `max_age_seconds`; returns how many files went."""
    if not default_storage.exists(STAGING_DIR):
        return 0
    cutoff = timezone.now() - timedelta(seconds=max_age_seconds)
    deleted = 0
    folders, _files = default_storage.listdir(STAGING_DIR)
    for folder in folders:
        path = f"{STAGING_DIR}/{folder}"
        _subfolders, files = default_storage.listdir(path)
        old = [f for f in files if default_storage.get_modified_time(f"{path}/{f}") < cutoff]
        for name in old:
            default_storage.delete(f"{path}/{name}")
        deleted += len(old)
        if len(old) == len(files):
            _remove_folder(path)
    return deleted


def _remove_folder(path: str) -> None:
    """Remove an emptied staging folder (file-system storage only: others have no folders)."""
    try:
        os.rmdir(default_storage.path(path))
    except (NotImplementedError, OSError):
        pass


def _staged(token: str, *, sheet: DataSheet, user: User) -> tuple[str, list[tuple[str, str]]]:
    try:
        payload = signing.loads(token, salt=STAGING_SALT, max_age=STAGING_MAX_AGE_SECONDS)
    except signing.BadSignature as exc:
        raise ValidationError(
            _("This upload expired or was not yours: upload the files again.")
        ) from exc
    if payload["user"] != user.pk or payload["sheet"] != sheet.pk:
        raise ValidationError(_("This upload expired or was not yours: upload the files again."))
    return payload["folder"], [tuple(pair) for pair in payload["files"]]


def _staged_contents(token: str, *, sheet: DataSheet, user: User) -> list[tuple[str, bytes]]:
    """The staged files' (original name, content)."""
    folder, names = _staged(token, sheet=sheet, user=user)
    contents = []
    for safe, original in names:
        if not default_storage.exists(f"{folder}/{safe}"):
            raise ValidationError(
                _(
                    "These files were already stored, or the upload expired: upload them again if needed."
                )
            )
        with default_storage.open(f"{folder}/{safe}", "rb") as handle:
            contents.append((original, handle.read()))
    return contents


def _current_values(sheet: DataSheet) -> dict[Key, Decimal]:
    rows = sheet.observations.values_list(
        "indicator_id", "area_id", "disaggregation", "year", "value"
    )
    return {(i, a, d, y): v for i, a, d, y, v in rows}


#: What an upload may change in a stored value; the rest of a row is its key and provenance.
_CONTENT = ("value", "unit", "nature", "operation_id", "source", "footnote")


@dataclass(frozen=True)
class _Stored:
    pk: int
    value: Decimal
    content: tuple

    def differs_from(self, candidate: Candidate) -> bool:
        return self.content != tuple(getattr(candidate, name) for name in _CONTENT)


def _stored_rows(sheet: DataSheet, indicator_ids: set[int]) -> dict[Key, _Stored]:
    """The sheet's values of these indicators by key, with what an upload could change."""
    rows = sheet.observations.filter(indicator_id__in=indicator_ids).values_list(
        "pk", "indicator_id", "area_id", "disaggregation", "year", *_CONTENT
    )
    return {
        (i, a, d, y): _Stored(pk, content[0], tuple(content)) for pk, i, a, d, y, *content in rows
    }


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
    token: str = "",
    files: Sequence[tuple[str, bytes]] | None = None,
    fmt: str | None = None,
    indicator: str | None = None,
    max_bytes: int | None = None,
    mode: str = MERGE,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportPreview:
    """Parse, map and validate the staged files and compare them with the sheet; store nothing.

    In `merge` mode nothing is removed; in `replace` mode `removed` lists the values of the
    files' indicators that the files do not carry.

    `files` (name, content) instead of a token reads them from memory (the command line
    never stages to disk). A refused upload's staged files are deleted. `progress`, when
    given, is told (stage, percent, rows read) as the work goes on (an upload job's page).
    """
    from django.conf import settings

    from indicators.imports import parse_upload
    from indicators.models import Indicator

    if mode not in IMPORT_MODES:
        raise ValidationError(
            _("Unknown upload mode %(mode)s: choose merge or replace.") % {"mode": mode}
        )
    contents = list(files) if files is not None else _staged_contents(token, sheet=sheet, user=user)
    preview = ImportPreview(
        token=token, files=[original for original, _data in contents], mode=mode
    )
    parsed_rows: list[ParsedRow] = []
    report = progress or (lambda stage, percent, rows: None)
    for number, (original, data) in enumerate(contents):
        report("reading", 5 + 60 * number // max(len(contents), 1), len(parsed_rows))
        result = parse_upload(
            original,
            data,
            fmt,
            indicator=indicator,
            max_bytes=max_bytes or settings.PORTAL_MAX_UPLOAD_BYTES,
        )
        preview.formats.add(result.format)
        preview.problems.extend(result.problems)
        preview.skipped_blank += result.skipped_blank
        preview.notes.extend(f"{original}: {note}" for note in result.notes)
        preview.not_used.update(result.not_used)
        # Only a file its parser could read is opened again (a refused one may be a bomb).
        foreign = (
            _other_country_problem(original, data, result, sheet.country) if result.rows else None
        )
        if foreign is not None:  # its rows would only repeat "unknown area" row by row
            preview.problems.append(foreign)
            continue
        parsed_rows.extend(result.rows)
    report("mapping", 65, len(parsed_rows))
    mapper = RowMapper(country=sheet.country)
    mapped = mapper.map_rows(parsed_rows)
    dropped = {id(problem) for problem in mapper.untracked_problems(preview.problems)}
    preview.problems = [p for p in preview.problems if id(p) not in dropped]
    preview.problems.extend(mapped.problems)
    preview.warnings = mapped.warnings
    preview.candidates = mapped.candidates
    preview.not_tracked = mapped.not_tracked
    preview.unknown_sources = mapped.unknown_sources
    report("comparing", 85, len(parsed_rows))
    covered = {candidate.indicator_id for candidate in mapped.candidates}
    current = _stored_rows(sheet, covered)
    for candidate in mapped.candidates:
        stored = current.get(candidate.key)
        if stored is None:
            preview.added.append(DiffLine(candidate.key, None, candidate.value))
        elif stored.differs_from(candidate):
            preview.changed.append(DiffLine(candidate.key, stored.value, candidate.value))
        else:
            preview.unchanged += 1
    if mode == REPLACE:
        incoming = {candidate.key for candidate in mapped.candidates}
        preview.removed = [
            DiffLine(key, stored.value, None)
            for key, stored in current.items()
            if key not in incoming
        ]
    factors = dict(Indicator.objects.filter(pk__in=covered).values_list("pk", "outlier_factor"))
    preview.outliers = _outliers(mapped.candidates, _accepted_values(sheet), factors)
    if not preview.ok and files is None:
        upload_discard(token=token, sheet=sheet, user=user)  # refused: nothing is kept
    return preview


#: Columns whose numeric codes are UN M49 country codes: the SDG global database's
#: GeoAreaCode, Open SDG's map code GeoCode, a plain Country column and SDMX's REF_AREA
#: dimension. A number in a file's own area column (Open SDG's REF_AREA, the template's area)
#: is one of the country's own area codes, mapped or not, never another country.
M49_COLUMNS = frozenset({"GEOAREACODE", "GEOCODE", "GEOAREANAME", "COUNTRY"})


def _other_country_problem(
    name: str, data: bytes, result: ParseResult, country: Country
) -> Problem | None:
    """A file made for another country: the template's "Country:" line, a geography column
    (REF_AREA, GeoCode, GeoAreaCode, ...) or the rows' area naming a country other than the
    sheet's. Subnational areas of the sheet's country are not countries."""
    from indicators.imports.country import declared_countries
    from indicators.models import AreaCodeMapping

    own_areas = set(country.areas.values_list("code", flat=True)) | set(
        AreaCodeMapping.objects.filter(country=country).values_list("code", flat=True)
    )
    # (where, what, whether a number there is an M49 code)
    named = [
        (where, what, where in M49_COLUMNS)
        for where, what in declared_countries(data, result.format)
    ] + [
        ("REF_AREA", area, result.format == "sdmx")
        for area in sorted({row.area for row in result.rows})
        if area
    ]
    own_areas = {code.casefold() for code in own_areas}
    countries = _countries_by_name()  # one query, not one per area of the file
    for where, what, m49 in named:
        if what.strip().casefold() in own_areas or (not m49 and what.strip().isdigit()):
            continue
        found = country_named(what, countries)
        if found is not None and found.pk != country.pk:
            return Problem(
                name,
                None,
                where,
                what,
                _(
                    "This file is for %(found)s, not %(country)s: upload it into the data "
                    "sheet of %(found)s, or correct the file."
                )
                % {"found": found.name, "country": country.name},
            )
    return None


def _countries_by_name() -> dict[str, Country]:
    """Every country by ISO 3166 alpha-3 and alpha-2 code, M49 code (with and without leading
    zeros) and English and Spanish name, without case."""
    return country_lookup()


def country_named(text: str, countries: dict[str, Country] | None = None) -> Country | None:
    """The country a file names by ISO 3166 alpha-3 or alpha-2 code, M49 code, or name;
    `countries` is `_countries_by_name()` when the caller looks up many names."""
    text = text.strip()
    if not text or len(text) > 100 or "\x00" in text:  # no country is named so
        return None
    lookup = countries if countries is not None else _countries_by_name()
    return lookup.get(text.casefold())


def datasheet_import_apply(
    *,
    sheet: DataSheet,
    user: User,
    token: str = "",
    expected_lock_version: int,
    files: Sequence[tuple[str, bytes]] | None = None,
    confirm_outliers: bool = False,
    fmt: str | None = None,
    indicator: str | None = None,
    address: str | None = None,
    preview: ImportPreview | None = None,
    mode: str = MERGE,
    confirm_removals: bool = False,
) -> ImportPreview:
    """Store the staged upload: new values are added, differing ones changed, and in `replace`
    mode the values of the files' indicators that the files lack are removed.

    Only the values that are added or changed are credited to the new file; an unchanged value
    keeps its provenance (file, row, who, when) and its review comments.

    All or nothing: any problem, an unconfirmed outlier, unconfirmed removals
    (`RemovalsNotConfirmed`, naming them) or a stale form raises ValidationError and stores
    nothing. A caller that has just previewed this token in the same process may pass that
    `preview` to avoid parsing the files twice; `expected_lock_version` still guarantees the
    sheet did not change in between.
    """
    if not permissions.can_edit_country_sheets(user, sheet.country):
        raise PermissionDenied(_("Only the country's focal point can change this data sheet."))
    if preview is None or preview.token != token or preview.mode != mode:
        preview = datasheet_import_preview(
            sheet=sheet,
            user=user,
            token=token,
            files=files,
            fmt=fmt,
            indicator=indicator,
            mode=mode,
        )
    if not preview.ok:
        raise ValidationError(_("The upload has problems; nothing was stored."))
    if preview.outliers and not confirm_outliers:
        raise ValidationError(
            _("Some values changed a lot since the last accepted version: confirm them first.")
        )
    if preview.removed and not confirm_removals:
        raise RemovalsNotConfirmed(removal_labels(preview))
    contents = list(files) if files is not None else _staged_contents(token, sheet=sheet, user=user)
    start = time.monotonic()
    try:
        with transaction.atomic():
            _apply(sheet, user, preview, contents, expected_lock_version, address)
    except ValidationError:
        if files is None:
            upload_discard(token=token, sheet=sheet, user=user)  # refused: nothing is kept
        raise
    if files is None:
        transaction.on_commit(lambda: upload_discard(token=token, sheet=sheet, user=user))
    sheet.refresh_from_db()
    log_event(
        logger,
        "import.sheet",
        sheet_id=sheet.pk,
        country=sheet.country.iso3,
        version=sheet.version,
        mode=preview.mode,
        files=len(contents),
        added=len(preview.added),
        changed=len(preview.changed),
        removed=len(preview.removed),
        unchanged=preview.unchanged,
        duration=since(start),
    )
    return preview


def _apply(
    sheet: DataSheet,
    user: User,
    preview: ImportPreview,
    contents: list[tuple[str, bytes]],
    expected_lock_version: int,
    address: str | None,
) -> None:
    locked = _lock(sheet, expected_lock_version)
    if not locked.is_editable:
        raise ValidationError(
            _("This data sheet is %(status)s and cannot be changed.")
            % {"status": locked.get_status_display()}
        )
    uploads = _store_uploads(contents, user, preview)
    _observations_merge(locked, preview, uploads, user, timezone.now())
    for upload in uploads.values():
        _event(
            locked,
            SheetEvent.Kind.UPLOADED,
            user,
            address=address,
            upload=upload,
            details={
                "mode": preview.mode,
                "added": len(preview.added),
                "changed": len(preview.changed),
                "removed": len(preview.removed),
                "unchanged": preview.unchanged,
                "not_tracked": preview.not_tracked,
            },
        )


def _unstage(folder: str, names: list[tuple[str, str]]) -> None:
    for safe, _original in names:
        default_storage.delete(f"{folder}/{safe}")
    _remove_folder(folder)


def _store_uploads(
    contents: list[tuple[str, bytes]], user: User, preview: ImportPreview
) -> dict[str, UploadedFile]:
    uploads = {}
    fmt = ",".join(sorted(preview.formats))
    for original, data in contents:
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


def removal_labels(preview: ImportPreview) -> list[str]:
    """The values a `replace` upload would remove, as the pages name them."""
    from indicators.selectors import describe_keys

    labels = describe_keys([line.key for line in preview.removed])
    return [
        f"{labels[line.key]}: {line.old.normalize()}"
        for line in preview.removed
        if line.old is not None
    ]


def _observations_merge(
    sheet: DataSheet,
    preview: ImportPreview,
    uploads: dict[str, UploadedFile],
    user: User,
    now: datetime,
) -> None:
    """Add the new values, rewrite the differing ones with the new provenance, remove what the
    preview listed as removed; unchanged values are not touched."""
    covered = {c.indicator_id for c in preview.candidates} | {
        line.key[0] for line in preview.removed
    }
    stored = _stored_rows(sheet, covered)
    new, changed = [], []
    for candidate in preview.candidates:
        row = stored.get(candidate.key)
        if row is None:
            new.append(candidate)
        elif row.differs_from(candidate):
            changed.append(
                Observation(
                    pk=row.pk,
                    value=candidate.value,
                    unit=candidate.unit,
                    nature=candidate.nature,
                    operation_id=candidate.operation_id,
                    source=candidate.source,
                    footnote=candidate.footnote,
                    source_row=candidate.row,
                    upload=uploads.get(candidate.file),
                    entered_by=user,
                    entered_at=now,
                )
            )
    removed = [stored[line.key].pk for line in preview.removed if line.key in stored]
    for start in range(0, len(removed), INSERT_BATCH):
        batch = removed[start : start + INSERT_BATCH]
        ValueComment.objects.filter(observation_id__in=batch).delete()
        sheet.observations.filter(pk__in=batch).delete()
    instances_update(changed, [*_CHANGEABLE, "upload", "entered_by", "entered_at"])
    _observations_insert(sheet, new, uploads, user, now)


#: Observation fields an upload rewrites on a value whose content changed
_CHANGEABLE = ("value", "unit", "nature", "operation", "source", "footnote", "source_row")


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


@dataclass
class GridResult:
    """What a grid save did: values changed and deleted, and the cells it refused, by
    observation id, with the reason (the other cells of the same save are stored)."""

    changed: int = 0
    deleted: int = 0
    refused: dict[int, str] = field(default_factory=dict)


def observations_update(
    *,
    sheet: DataSheet,
    user: User,
    changes: dict[int, tuple[Decimal | None, str]],
    expected_lock_version: int,
    address: str | None = None,
    delete_reason: str = "",
) -> GridResult:
    """Correct values of an editable sheet from the grid.

    `changes` maps observation id -> (value, footnote); a value of None deletes the value, which
    needs a `delete_reason`. A cell that cannot be stored (out of range, not in this sheet, a
    deletion without a reason) is refused and named in the result; the other cells are stored.
    A stale form or a locked sheet stores nothing. Old values and deletions stay in the history.
    """
    if not permissions.can_edit_country_sheets(user, sheet.country):
        raise PermissionDenied(_("Only the country's focal point can change this data sheet."))
    result = GridResult()
    with transaction.atomic():
        locked = _lock(sheet, expected_lock_version)
        if not locked.is_editable:
            raise ValidationError(
                _("This data sheet is %(status)s and cannot be changed.")
                % {"status": locked.get_status_display()}
            )
        observations = locked.observations.select_related("indicator").in_bulk(list(changes))
        for obs_id, (value, footnote) in changes.items():
            obs = observations.get(obs_id)
            if obs is None:
                result.refused[obs_id] = _("this value is not in this data sheet")
            elif value is None:
                if not delete_reason.strip():
                    result.refused[obs_id] = _("say why in the reason for deleting values")
                    continue
                _observation_delete(locked, obs, delete_reason.strip(), user, address)
                result.deleted += 1
            elif obs.value == value and obs.footnote == footnote:
                continue
            elif problem := _out_of_range(obs, value):
                result.refused[obs_id] = problem
            else:
                _observation_change(locked, obs, value, footnote, user, address)
                result.changed += 1
    return result


def _out_of_range(obs: Observation, value: Decimal) -> str:
    if value.adjusted() >= 20:  # the column keeps 20 digits before the point
        return _("%(value)s is too large") % {"value": value}
    low, high = obs.indicator.value_min, obs.indicator.value_max
    if (low is not None and value < Decimal(str(low))) or (
        high is not None and value > Decimal(str(high))
    ):
        return _("%(value)s is out of range: values must lie between %(low)s and %(high)s") % {
            "value": value.normalize(),
            "low": low,
            "high": high,
        }
    return ""


def _value_details(obs: Observation) -> dict[str, object]:
    """How the history names a value: the same key in every version of the sheet."""
    return {
        "observation": obs.pk,
        "indicator": obs.indicator.code,
        "year": obs.year,
        "area": obs.area_id,
        "disaggregation": obs.disaggregation,
    }


def _observation_delete(
    locked: DataSheet, obs: Observation, reason: str, user: User, address: str | None
) -> None:
    details = {
        **_value_details(obs),
        "deleted": True,
        "old_value": str(obs.value.normalize()),
        "new_value": "",
        "old_footnote": obs.footnote,
        "reason": reason,
        "upload": obs.upload.original_name if obs.upload else "",
        # the review comments on the value go with it; their words stay here
        "comments": list(obs.comments.values_list("text", flat=True)),
    }
    obs.delete()
    _event(locked, SheetEvent.Kind.EDITED, user, address=address, comment=reason, details=details)


def _observation_change(
    locked: DataSheet,
    obs: Observation,
    value: Decimal,
    footnote: str,
    user: User,
    address: str | None,
) -> None:
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
            **_value_details(obs),
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
