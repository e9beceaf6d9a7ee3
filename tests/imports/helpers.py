"""Builders of test files: SDMX-ML messages, workbooks, and problem lookups."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from indicators.imports import ParseResult

DATA = Path(__file__).resolve().parents[2] / "data"
KAZ = DATA / "kazakhstan-open-sdg" / "data"
KGZ = DATA / "kyrgyzstan-sdmx" / "data"

SS_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<message:StructureSpecificData
 xmlns:ss="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific"
 xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
 xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 xmlns:ns1="urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=IAEG-SDGs:SDG(1.8):ObsLevelDim:TIME_PERIOD">
<message:Header><message:ID>T1</message:ID><message:Test>true</message:Test>
<message:Prepared>2025-01-01T00:00:00</message:Prepared><message:Sender id="KG_NSC"/>
<message:Structure structureID="SDG" dimensionAtObservation="TIME_PERIOD"
 namespace="urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=IAEG-SDGs:SDG(1.8):ObsLevelDim:TIME_PERIOD">
<common:Structure><Ref agencyID="IAEG-SDGs" id="SDG" version="1.8"/></common:Structure>
</message:Structure></message:Header>
<message:DataSet ss:structureRef="SDG" xsi:type="ns1:DataSetType">
"""
SS_TAIL = "</message:DataSet></message:StructureSpecificData>\n"
SERIES_DIMS = (
    'FREQ="A" REPORTING_TYPE="N" SERIES="{series}" REF_AREA="{area}" SEX="{sex}" AGE="_T" '
    'URBANISATION="_T" INCOME_WEALTH_QUANTILE="_T" EDUCATION_LEV="_T" OCCUPATION="_T" '
    'CUST_BREAKDOWN="_T" COMPOSITE_BREAKDOWN="_T" DISABILITY_STATUS="_T" ACTIVITY="_T" '
    'PRODUCT="_T" UNIT_MEASURE="{unit}"'
)


def ss_message(series: list[tuple[dict[str, str], list[str]]]) -> bytes:
    """A structure-specific message: each series is (dims, [Obs attribute strings])."""
    parts = [SS_HEAD]
    for dims, observations in series:
        parts.append(f"<Series {SERIES_DIMS.format(**dims)}>\n")
        parts.extend(f"<Obs {obs}/>\n" for obs in observations)
        parts.append("</Series>\n")
    parts.append(SS_TAIL)
    return "".join(parts).encode()


def problem_texts(result: ParseResult) -> list[str]:
    return [str(p.reason) for p in result.problems]


def has_problem(result: ParseResult, fragment: str) -> bool:
    return any(fragment.lower() in text.lower() for text in problem_texts(result))


def rezip(data: bytes, extra: dict[str, bytes], replace: dict[str, bytes] | None = None) -> bytes:
    """A copy of a ZIP archive with members added or replaced."""
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, content in extra.items():
            dst.writestr(name, content)
    return out.getvalue()
