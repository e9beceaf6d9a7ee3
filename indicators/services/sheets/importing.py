"""Importing files into a sheet: preview (parse, map, check, compare) and apply (all or nothing)."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from indicators import permissions
from indicators.imports.types import ParsedRow, ParseResult, Problem
from indicators.models import (
    DataSheet,
    SheetEvent,
    UploadedFile,
)
from indicators.services.sheets.common import (
    IMPORT_MODES,
    MERGE,
    REPLACE,
    Key,
    RemovalsNotConfirmed,
    _accepted_values,
    _event,
    _lock,
    _stored_rows,
)
from indicators.services.sheets.staging import _staged_contents, upload_discard
from indicators.services.sheets.storing import _observations_merge
from indicators.services.validation import Candidate, RowMapper
from portal.logging import log_event, since
from portal.models import Country, User
from portal.selectors import country_lookup

logger = logging.getLogger(__name__)


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


def outliers_message() -> str:
    """Why an upload with unconfirmed large changes is not stored."""
    return _("Some values changed a lot since the last accepted version: confirm them first.")


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
        raise ValidationError(outliers_message())
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


def removal_labels(preview: ImportPreview) -> list[str]:
    """The values a `replace` upload would remove, as the pages name them."""
    from indicators.selectors import describe_keys

    labels = describe_keys([line.key for line in preview.removed])
    return [
        f"{labels[line.key]}: {line.old.normalize()}"
        for line in preview.removed
        if line.old is not None
    ]
