"""Agencies' published figures: parse, map, validate, store as a new release (all or nothing)."""

from __future__ import annotations

import csv
import hashlib
import io
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from indicators import permissions
from indicators.imports.types import ParsedRow, Problem
from indicators.models import (
    InternationalObservation,
    InternationalRelease,
    SeriesCodeMapping,
    UploadedFile,
)
from indicators.services.validation import disaggregation_key
from portal.models import Agency, Country, User

SDG_API_CODES = {
    "Sex": ("SEX", {"BOTHSEX": "", "FEMALE": "F", "MALE": "M"}),
    "Location": ("URBANISATION", {"ALLAREA": "", "URBAN": "U", "RURAL": "R"}),
    "Age": ("AGE", {"ALLAGE": ""}),
}
SDG_REQUIRED = ("SeriesCode", "GeoAreaCode", "TimePeriod", "Value")


def parse_sdg_global_csv(name: str, data: bytes) -> tuple[list[ParsedRow], list[Problem]]:
    """Read the UN SDG Global Database CSV export (one row per value)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [column for column in SDG_REQUIRED if column not in header]
    if missing:
        return [], [
            Problem(name, None, column, "", _("required column missing")) for column in missing
        ]
    rows: list[ParsedRow] = []
    problems: list[Problem] = []
    for line, record in enumerate(reader, start=2):
        row = _sdg_row(name, line, record, problems)
        if row is not None:
            rows.append(row)
    return rows, problems


def _sdg_row(
    name: str, line: int, record: dict[str, str], problems: list[Problem]
) -> ParsedRow | None:
    raw_value, raw_year = (
        (record.get("Value") or "").strip(),
        (record.get("TimePeriod") or "").strip(),
    )
    if not raw_value:
        return None
    try:
        value = float(raw_value)
        if not math.isfinite(value):
            raise ValueError
    except ValueError:
        problems.append(Problem(name, line, "Value", raw_value, _("not a number")))
        return None
    try:
        year = int(float(raw_year))
        if str(year) != raw_year and f"{year}.0" != raw_year:
            raise ValueError
    except ValueError:
        problems.append(
            Problem(name, line, "TimePeriod", raw_year, _("the year is not a whole number"))
        )
        return None
    pairs = []
    for column, (dimension, codes) in SDG_API_CODES.items():
        code = (record.get(column) or "").strip()
        code = codes.get(code, code)
        if code:
            pairs.append((dimension, code))
    return ParsedRow(
        file=name,
        row=line,
        indicator="",
        series_code=(record.get("SeriesCode") or "").strip(),
        area=(record.get("GeoAreaCode") or "").strip(),
        disaggregation=tuple(sorted(pairs)),
        year=year,
        value=value,
        unit=(record.get("Units") or "").strip(),
        nature=(record.get("Nature") or "").strip(),
        source=(record.get("Source") or "")[:300],
        footnote=(record.get("FootNote") or "").strip(),
    )


@dataclass
class InternationalImport:
    rows: int = 0
    stored: int = 0
    problems: list[Problem] = field(default_factory=list)
    not_tracked: dict[str, int] = field(default_factory=dict)
    release: InternationalRelease | None = None


def _parse(name: str, data: bytes, fmt: str) -> tuple[list[ParsedRow], list[Problem]]:
    if fmt == "sdg-csv":
        return parse_sdg_global_csv(name, data)
    from indicators.imports import parse_upload

    result = parse_upload(name, data, "sdmx")
    return result.rows, list(result.problems)


def _map(rows: list[ParsedRow], outcome: InternationalImport) -> list[InternationalObservation]:
    series = {m.code: m.indicator for m in SeriesCodeMapping.objects.select_related("indicator")}
    countries: dict[str, Country] = {}
    for country in Country.objects.all():
        countries.update(
            {country.m49: country, country.m49.lstrip("0"): country, country.iso3: country}
        )
    observations: list[InternationalObservation] = []
    seen: dict[tuple[int, int, str, int], int] = {}
    for row in rows:
        indicator = series.get(row.series_code)
        if indicator is None:
            outcome.not_tracked[row.series_code] = outcome.not_tracked.get(row.series_code, 0) + 1
            continue
        found = countries.get(row.area)
        if found is None:
            outcome.problems.append(
                Problem(
                    row.file,
                    row.row,
                    "GeoAreaCode",
                    row.area,
                    _("not a country code (regions and areas are not loaded)"),
                )
            )
            continue
        country = found
        key = (country.pk, indicator.pk, disaggregation_key(row.disaggregation), row.year)
        if key in seen:
            outcome.problems.append(
                Problem(
                    row.file,
                    row.row,
                    "TimePeriod",
                    str(row.year),
                    _("duplicate value: row %(row)s has the same series, country and year")
                    % {"row": seen[key]},
                )
            )
            continue
        seen[key] = row.row
        observations.append(
            InternationalObservation(
                country=country,
                indicator=indicator,
                disaggregation=key[2],
                year=row.year,
                value=Decimal(repr(row.value)).quantize(Decimal("1e-10")),
                unit=row.unit or indicator.unit,
                nature=row.nature[:4],
                footnote=row.footnote,
                source_row=row.row,
            )
        )
    return observations


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
    if check_permission and (user is None or not permissions.can_load_international(user, agency)):
        raise PermissionDenied(
            _("Only the agency's focal point or the coordinator can load its figures.")
        )
    if fmt not in ("sdg-csv", "sdmx"):
        raise ValidationError(_("Unknown format %(fmt)s: use sdg-csv or sdmx.") % {"fmt": fmt})
    outcome = InternationalImport()
    rows: list[ParsedRow] = []
    for name, data in files:
        parsed, problems = _parse(name, data, fmt)
        rows.extend(parsed)
        outcome.problems.extend(problems)
    outcome.rows = len(rows)
    observations = _map(rows, outcome)
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
    if outcome.problems:
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
    return outcome
