"""Agencies' published figures: parse, map, validate, store as a new release (all or nothing)."""

from __future__ import annotations

import hashlib
import logging
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from indicators import permissions
from indicators.imports import parse_upload
from indicators.imports.types import ParsedRow, ParseResult, Problem
from indicators.models import (
    Indicator,
    InternationalObservation,
    InternationalRelease,
    SeriesCodeMapping,
    UploadedFile,
)
from indicators.services.validation import disaggregation_key, key_too_long
from indicators.units import load_synonyms, unit_key
from portal.logging import log_event, since
from portal.models import Agency, Country, User
from portal.selectors import country_lookup

logger = logging.getLogger(__name__)

STAGING_SALT = "indicators.staged-international-release"


@dataclass
class CountryDiff:
    """What a new release changes for one country against the agency's current release."""

    country: str
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0


@dataclass
class InternationalImport:
    rows: int = 0
    stored: int = 0
    problems: list[Problem] = field(default_factory=list)
    not_tracked: dict[str, int] = field(default_factory=dict)
    #: regions (World 1, Latin America 419, ...) and areas that are not member countries
    skipped_areas: dict[str, int] = field(default_factory=dict)
    not_used: dict[str, int] = field(default_factory=dict)
    diff: list[CountryDiff] = field(default_factory=list)
    release: InternationalRelease | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


#: an SDG Global Database CSV is larger than a country's sheet
RELEASE_MAX_BYTES = 200 * 2**20
RELEASE_MAX_ROWS = 2_000_000


def _parse(name: str, data: bytes, fmt: str) -> ParseResult:
    """The national parsers' reading of a release file (one rule for years and numbers)."""
    if fmt == "sdg-csv":
        return parse_upload(name, data, fmt, max_bytes=RELEASE_MAX_BYTES, max_rows=RELEASE_MAX_ROWS)
    return parse_upload(name, data, fmt)


def _country_codes() -> dict[str, Country]:
    """Every code a release may use for a country, without case: M49 (with or without
    leading zeros), ISO3, ISO2 (names are not codes: a release names areas by code)."""
    return country_lookup(names=False)


#: release formats: SDG API CSV, Open SDG CSV (one file per indicator, REF_AREA per row), SDMX-ML
RELEASE_FORMATS = ("sdg-csv", "opensdg", "sdmx")


def _indicators() -> tuple[dict[str, Indicator], dict[str, Indicator]]:
    """(series code -> indicator, indicator code -> indicator), codes in upper case: some
    publishers write sh_sta_mmr."""
    series = {
        m.code.upper(): m.indicator for m in SeriesCodeMapping.objects.select_related("indicator")
    }
    return series, {i.code.upper(): i for i in Indicator.objects.all()}


#: format -> (area column, period column) as the problems name them
COLUMNS = {
    "sdg-csv": ("GeoAreaCode", "TimePeriod"),
    "opensdg": ("REF_AREA", "Year"),
    "sdmx": ("REF_AREA", "TimePeriod"),
}


def _map(
    rows: list[ParsedRow], outcome: InternationalImport, fmt: str
) -> list[InternationalObservation]:
    series, by_code = _indicators()
    area_column, period_column = COLUMNS[fmt]
    countries = _country_codes()
    synonyms = load_synonyms()
    observations: list[InternationalObservation] = []
    seen: dict[tuple[int, int, str, int], int] = {}
    for row in rows:
        # an Open SDG file without a SERIES column names its indicator by the file name
        code = row.series_code or row.indicator
        indicator = (series if row.series_code else by_code).get(code.upper())
        if indicator is None:
            outcome.not_tracked[code] = outcome.not_tracked.get(code, 0) + 1
            continue
        if not row.area.strip():
            reason = _("A release names the country of every value: this row names none.")
            outcome.problems.append(Problem(row.file, row.row, area_column, "", reason))
            continue
        country = countries.get(row.area.strip().casefold())
        if country is None:
            # World, regions and areas that are not members: listed, never a reason to refuse
            outcome.skipped_areas[row.area] = outcome.skipped_areas.get(row.area, 0) + 1
            continue
        # Open SDG writes breakdowns under display names (Sex); releases store SDMX names (SEX)
        pairs = tuple(
            (re.sub(r"\s+", "_", dim.strip()).upper(), code) for dim, code in row.disaggregation
        )
        key = (country.pk, indicator.pk, disaggregation_key(pairs), row.year)
        too_long = key_too_long(row, key[2])
        if too_long is not None:
            outcome.problems.append(too_long)
            continue
        if key in seen:
            outcome.problems.append(
                Problem(
                    row.file,
                    row.row,
                    period_column,
                    str(row.year),
                    _("duplicate value: row %(row)s has the same series, country and year")
                    % {"row": seen[key]},
                )
            )
            continue
        seen[key] = row.row
        unit = synonyms.get(unit_key(row.unit), row.unit) if row.unit else indicator.unit
        observations.append(
            InternationalObservation(
                country=country,
                indicator=indicator,
                disaggregation=key[2],
                year=row.year,
                period=row.period,
                value=Decimal(repr(row.value)).quantize(Decimal("1e-10")),
                unit=unit[:40],
                nature=row.nature[:4],
                footnote=row.footnote,
                source_row=row.row,
            )
        )
    return observations


def _diff(agency: Agency, observations: list[InternationalObservation]) -> list[CountryDiff]:
    """Values added, changed, removed per country against the agency's current release."""
    current = {
        (c, i, d, y): v
        for c, i, d, y, v in InternationalObservation.objects.filter(
            release__agency=agency, release__is_current=True
        ).values_list("country_id", "indicator_id", "disaggregation", "year", "value")
    }
    names = dict(Country.objects.values_list("pk", "iso3"))
    per_country: dict[int, CountryDiff] = {}

    def line(country_id: int) -> CountryDiff:
        return per_country.setdefault(country_id, CountryDiff(names.get(country_id, "?")))

    incoming = set()
    for obs in observations:
        key = (obs.country.pk, obs.indicator.pk, obs.disaggregation, obs.year)
        incoming.add(key)
        old = current.get(key)
        entry = line(key[0])
        if old is None:
            entry.added += 1
        elif old != obs.value:
            entry.changed += 1
        else:
            entry.unchanged += 1
    for key in current.keys() - incoming:
        line(key[0]).removed += 1
    return sorted(per_country.values(), key=lambda d: d.country)


def _read_release(
    agency: Agency, files: list[tuple[str, bytes]], fmt: str
) -> tuple[InternationalImport, list[InternationalObservation]]:
    if fmt not in RELEASE_FORMATS:
        raise ValidationError(
            _("Unknown format %(fmt)s: use sdg-csv, opensdg or sdmx.") % {"fmt": fmt}
        )
    outcome = InternationalImport()
    rows: list[ParsedRow] = []
    for name, data in files:
        parsed = _parse(name, data, fmt)
        rows.extend(parsed.rows)
        outcome.problems.extend(parsed.problems)
        outcome.not_used.update(parsed.not_used)
    outcome.rows = len(rows)
    observations = _map(rows, outcome, fmt)
    if not outcome.problems and not observations:
        # An empty release would replace the current one and take the agency's figures out of
        # every report: refuse it, and say why.
        outcome.problems.append(
            Problem(
                files[0][0] if files else "",
                None,
                "",
                "",
                _(
                    "no figure in these files belongs to an indicator the portal tracks, so the "
                    "current release is kept"
                ),
            )
        )
    outcome.diff = _diff(agency, observations)
    return outcome, observations


def _check_permission(user: User | None, agency: Agency) -> None:
    if user is None or not permissions.can_load_international(user, agency):
        raise PermissionDenied(
            _("Only the agency's focal point or the coordinator can load its figures.")
        )


def international_preview(
    *, agency: Agency, user: User | None, files: list[tuple[str, bytes]], fmt: str
) -> InternationalImport:
    """What loading these files would do, country by country; nothing is stored."""
    _check_permission(user, agency)
    return _read_release(agency, files, fmt)[0]


def international_stage(
    *, agency: Agency, user: User, files: list[tuple[str, bytes]], fmt: str, note: str
) -> str:
    """Keep the files aside until the agency confirms the preview: a signed token names them."""
    from indicators.services.sheets import stage_files

    folder, names = stage_files(files, "international-")
    payload = {"folder": folder, "files": names, "user": user.pk, "agency": agency.pk}
    return signing.dumps({**payload, "format": fmt, "note": note}, salt=STAGING_SALT)


def international_staged(
    *, token: str, user: User
) -> tuple[Agency, list[tuple[str, bytes]], str, str]:
    """(agency, files, format, note) of a staged release; the files are then removed."""
    try:
        payload = signing.loads(token, salt=STAGING_SALT, max_age=24 * 3600)
    except signing.BadSignature as exc:
        raise ValidationError(
            _("This upload expired or was not yours: load the files again.")
        ) from exc
    if payload["user"] != user.pk:
        raise ValidationError(_("This upload expired or was not yours: load the files again."))
    files = []
    for safe, original in payload["files"]:
        path = f"{payload['folder']}/{safe}"
        if not default_storage.exists(path):
            raise ValidationError(_("This upload expired or was not yours: load the files again."))
        with default_storage.open(path, "rb") as handle:
            files.append((original, handle.read()))
        default_storage.delete(path)
    agency = Agency.objects.get(pk=payload["agency"])
    return agency, files, payload["format"], payload["note"]


def international_import(
    *,
    agency: Agency,
    user: User | None,
    files: list[tuple[str, bytes]],
    fmt: str,
    note: str = "",
    check_permission: bool = True,
) -> InternationalImport:
    """Load an agency's figures as its new current release. Any problem stores nothing."""
    if check_permission:
        _check_permission(user, agency)
    start = time.monotonic()
    outcome, observations = _read_release(agency, files, fmt)
    if outcome.problems:
        log_event(
            logger,
            "import.release_refused",
            agency=agency.code,
            files=len(files),
            problems=len(outcome.problems),
            duration=since(start),
        )
        return outcome
    with transaction.atomic():
        Agency.objects.select_for_update().filter(pk=agency.pk).first()
        version = (
            InternationalRelease.objects.filter(agency=agency).aggregate(v=Max("version"))["v"] or 0
        ) + 1
        InternationalRelease.objects.filter(agency=agency, is_current=True).update(is_current=False)
        name, data = files[0]
        upload = UploadedFile(
            original_name=name[:255],
            format=fmt,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=user,
        )
        upload.file.save(get_valid_filename(name)[-100:] or "upload", ContentFile(data), save=False)
        upload.save()
        release = InternationalRelease.objects.create(
            agency=agency, version=version, loaded_by=user, upload=upload, note=note
        )
        for obs in observations:
            obs.release = release
        InternationalObservation.objects.bulk_create(observations, batch_size=5000)
        from indicators.reports.services import engine_queue_for_release

        engine_queue_for_release(release_id=release.pk)
    outcome.release, outcome.stored = release, len(observations)
    log_event(
        logger,
        "import.release",
        release_id=release.pk,
        agency=agency.code,
        version=version,
        files=len(files),
        stored=len(observations),
        duration=since(start),
    )
    return outcome
