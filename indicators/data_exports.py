"""Data exports streamed by the API: national observations (CSV, SDMX-CSV and SDMX-ML 2.1
structure-specific) and the engine's series results (CSV with every column, SDMX-CSV). The
report pages' tables (CSV, Excel) are exported by `indicators/reports/exports.py`.

Rows are read in chunks and written as they come, so memory stays flat whatever the size.
The SDMX exports use the dimensions of the global SDG data structure (the copy shipped in
data/kyrgyzstan-sdmx/SDG_DSD.KG_1.8.xml); REF_AREA is the UN M49 code for national figures
and the country's own code for subnational areas; disaggregations absent from a value are `_T`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import quoteattr  # nosec B406

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from indicators.engine.assess import ASSESS_COLUMNS, NEVER_REACHED
from indicators.imports.columns import PORTAL_COLUMNS
from indicators.models import Observation, SeriesCodeMapping, SeriesResult
from portal.spreadsheets import SafeWriter

DIMENSIONS = [
    "FREQ",
    "REPORTING_TYPE",
    "SERIES",
    "REF_AREA",
    "SEX",
    "AGE",
    "URBANISATION",
    "INCOME_WEALTH_QUANTILE",
    "EDUCATION_LEV",
    "OCCUPATION",
    "CUST_BREAKDOWN",
    "COMPOSITE_BREAKDOWN",
    "DISABILITY_STATUS",
    "ACTIVITY",
    "PRODUCT",
]
DISAGGREGATIONS = set(DIMENSIONS[4:])
CHUNK = 2000
# A sheet's place, then the portal's own columns in the order the template writes them.
CSV_COLUMNS = ["country", "round", "sheet_version", *PORTAL_COLUMNS]
FIELDS = (
    "sheet__country__iso3",
    "sheet__country__m49",
    "sheet__round__code",
    "sheet__version",
    "indicator__code",
    "indicator_id",
    "area__code",
    "disaggregation",
    "year",
    "value",
    "unit",
    "nature",
    "source",
    "footnote",
)


def structure_ref() -> tuple[str, str, str]:
    """(agency, id, version) of the data structure the SDMX exports declare."""
    agency, rest = settings.PORTAL_SDMX_STRUCTURE.split(":", 1)
    structure_id, version = rest.rstrip(")").split("(")
    return agency, structure_id, version


def published_observations(
    *, country: str | None = None, indicator: str | None = None, round: str | None = None
) -> QuerySet[Observation]:
    """Observations of the current accepted sheets, filtered, in series order."""
    rows = Observation.objects.filter(sheet__is_current=True)
    if country:
        rows = rows.filter(sheet__country__iso3=country.upper())
    if indicator:
        rows = rows.filter(indicator__code=indicator)
    if round:
        rows = rows.filter(sheet__round__code=round)
    return rows.order_by(
        "sheet__country__iso3", "indicator__code", "area__code", "disaggregation", "year", "pk"
    )


def _line(values: Sequence[object]) -> str:
    buffer = io.StringIO()
    SafeWriter(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def _value(value: object) -> str:
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return "0" if text in ("-0", "") else text


def stream_csv(rows: QuerySet[Observation]) -> Iterator[str]:
    yield _line(CSV_COLUMNS)
    for r in rows.values_list(*FIELDS).iterator(chunk_size=CHUNK):
        (
            iso3,
            _m49,
            round_code,
            version,
            code,
            _ind,
            area,
            dis,
            year,
            value,
            unit,
            nature,
            source,
            footnote,
        ) = r
        yield _line(
            [
                iso3,
                round_code,
                version,
                code,
                area or "",
                dis,
                year,
                _value(value),
                unit,
                nature,
                source,
                footnote,
            ]
        )


@dataclass
class SdmxKey:
    dimensions: dict[str, str]
    unit: str


def _series_codes() -> dict[int, str]:
    codes: dict[int, str] = {}
    for mapping in SeriesCodeMapping.objects.order_by("code"):
        codes.setdefault(mapping.indicator_id, mapping.code)
    return codes


def _series_key(
    series: str | None, reporting_type: str, ref_area: str, disaggregation: str
) -> dict[str, str] | None:
    """The SDG dimensions of one series, or None when it cannot be expressed on them (no SDG
    series code, or a disaggregation dimension the structure lacks); absent dimensions `_T`."""
    if series is None:
        return None
    dims = dict.fromkeys(DIMENSIONS[4:], "_T")
    for pair in filter(None, disaggregation.split(";")):
        name, _, code = pair.partition("=")
        if name not in DISAGGREGATIONS:
            return None
        dims[name] = code
    return {
        "FREQ": "A",
        "REPORTING_TYPE": reporting_type,
        "SERIES": series,
        "REF_AREA": ref_area,
        **dims,
    }


def _sdmx_key(row: tuple, series_codes: dict[int, str]) -> SdmxKey | None:
    _iso3, m49, _round, _version, _code, indicator_id, area, dis, _year, _value, unit, *_rest = row
    key = _series_key(series_codes.get(indicator_id), "N", area or m49, dis)
    return None if key is None else SdmxKey(key, unit)


def _sdmx_rows(rows: QuerySet[Observation]) -> Iterator[tuple[SdmxKey, tuple]]:
    series_codes = _series_codes()
    for row in rows.values_list(*FIELDS).iterator(chunk_size=CHUNK):
        key = _sdmx_key(row, series_codes)
        if key is not None:
            yield key, row


def stream_sdmx_csv(rows: QuerySet[Observation]) -> Iterator[str]:
    """SDMX-CSV (version 1): DATAFLOW, the dimensions, TIME_PERIOD, OBS_VALUE, attributes."""
    agency, structure_id, version = structure_ref()
    dataflow = f"{agency}:{structure_id}({version})"
    yield _line(
        [
            "DATAFLOW",
            *DIMENSIONS,
            "TIME_PERIOD",
            "OBS_VALUE",
            "UNIT_MEASURE",
            "NATURE",
            "COMMENT_OBS",
        ]
    )
    for key, row in _sdmx_rows(rows):
        year, value, nature, footnote = row[8], row[9], row[11], row[13]
        yield _line(
            [
                dataflow,
                *(key.dimensions[d] for d in DIMENSIONS),
                year,
                _value(value),
                key.unit,
                nature,
                footnote,
            ]
        )


def stream_sdmx_ml(rows: QuerySet[Observation]) -> Iterator[str]:
    """SDMX-ML 2.1 structure-specific data message, one Series element per series key."""
    agency, structure_id, version = structure_ref()
    urn = f"urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure={agency}:{structure_id}({version})"
    prepared = timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<message:StructureSpecificData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
        'xmlns:ss="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific" '
        'xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xmlns:ns1="{urn}:ObsLevelDim:TIME_PERIOD">\n'
        f"<message:Header><message:ID>WGPORTAL{prepared.replace('-', '').replace(':', '')}</message:ID>"
        f"<message:Test>false</message:Test><message:Prepared>{prepared}</message:Prepared>"
        '<message:Sender id="WG_PORTAL"/>'
        f'<message:Structure structureID="{structure_id}" namespace="{urn}:ObsLevelDim:TIME_PERIOD" '
        f'dimensionAtObservation="TIME_PERIOD"><common:Structure>'
        f'<Ref agencyID="{agency}" id="{structure_id}" version="{version}"/></common:Structure></message:Structure>'
        "</message:Header>\n"
        f'<message:DataSet ss:dataScope="DataStructure" xsi:type="ns1:DataSetType" ss:structureRef="{structure_id}">\n'
    )
    current: SdmxKey | None = None
    for key, row in _sdmx_rows(rows):
        if current is None or key != current:
            if current is not None:
                yield "</Series>\n"
            attrs = " ".join(f"{d}={quoteattr(key.dimensions[d])}" for d in DIMENSIONS)
            yield f"<Series {attrs} UNIT_MEASURE={quoteattr(key.unit)}>\n"
            current = key
        year, value, nature, footnote = row[8], row[9], row[11], row[13]
        extra = (f" NATURE={quoteattr(nature)}" if nature else "") + (
            f" COMMENT_OBS={quoteattr(footnote)}" if footnote else ""
        )
        yield f'<Obs TIME_PERIOD="{year}" OBS_VALUE="{_value(value)}"{extra}/>\n'
    if current is not None:
        yield "</Series>\n"
    yield "</message:DataSet>\n</message:StructureSpecificData>\n"


# (column, field) of the results export, in the report pages' vocabulary.
# The engine's series result columns (docs/engine.md), then the database's own.
_EXPORT_FIELD = {"country": "country__iso3", "indicator": "indicator__code"}
EXPORT = [
    *((column, _EXPORT_FIELD.get(column, column)) for column in ASSESS_COLUMNS),
    ("is_headline", "is_headline"),
    ("sheet_id", "sheet_id"),
    ("sheet_version", "sheet_version"),
    ("release_id", "release_id"),
    ("agency", "agency__code"),
    ("run", "run_id"),
]
T_STAR = [column for column, _field in EXPORT].index("t_star")


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def stream_results_csv(rows: QuerySet[SeriesResult]) -> Iterator[str]:
    """The series results as CSV, in chunks; t* is ``inf`` when the trend never reaches the
    target, as in the report pages' exports."""
    yield _line([column for column, _field in EXPORT])
    fields = [field for _column, field in EXPORT]
    for *values, never in rows.values_list(*fields, "t_star_never").iterator(chunk_size=CHUNK):
        if never:
            values[T_STAR] = NEVER_REACHED
        yield _line([_csv_cell(v) for v in values])


# --- results ---------------------------------------------------------------------------

# The assessment of each series as SDMX-CSV on the same SDG dimensions as the observations:
# REPORTING_TYPE N (national) or G (international), TIME_PERIOD and OBS_VALUE the latest value
# the engine used; the engine's figures are attributes the SDG structure does not define (a
# receiving system maps them or ignores them).
RESULT_ATTRIBUTES = [
    "UNIT_MEASURE",
    "PROGRESS_CATEGORY",
    "TREND_MODEL",
    "ANNUAL_RATE",
    "T_STAR",
    "TARGET_VALUE",
    "BASELINE_VALUE",
    "FIRST_PERIOD",
    "FIRST_VALUE",
]
RESULT_FIELDS = (
    "country__m49",
    "indicator_id",
    "indicator__unit",
    "source",
    "series",
    "latest_year",
    "latest_value",
    "category",
    "model",
    "rate",
    "t_star",
    "t_star_never",
    "target",
    "baseline_value",
    "first_year",
    "first_value",
)


def _number(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def stream_results_sdmx_csv(rows: QuerySet[Any]) -> Iterator[str]:
    """SDMX-CSV (version 1) of series results; series without an SDG code are left out."""
    agency, structure_id, version = structure_ref()
    dataflow = f"{agency}:{structure_id}({version})"
    series_codes = _series_codes()
    yield _line(["DATAFLOW", *DIMENSIONS, "TIME_PERIOD", "OBS_VALUE", *RESULT_ATTRIBUTES])
    for row in rows.values_list(*RESULT_FIELDS).iterator(chunk_size=CHUNK):
        (m49, indicator_id, unit, source, dis, latest_year, latest_value, category, model) = row[:9]
        rate, t_star, never, target, baseline, first_year, first_value = row[9:]
        reporting_type = "N" if source == "national" else "G"
        key = _series_key(series_codes.get(indicator_id), reporting_type, m49, dis)
        if key is None:
            continue
        yield _line(
            [
                dataflow,
                *(key[d] for d in DIMENSIONS),
                "" if latest_year is None else latest_year,
                _number(latest_value),
                unit,
                category,
                model,
                _number(rate),
                NEVER_REACHED if never else _number(t_star),
                _number(target),
                _number(baseline),
                "" if first_year is None else first_year,
                _number(first_value),
            ]
        )
