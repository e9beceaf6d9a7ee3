"""Reading SDMX-ML 2.1 data messages with the ``sdmx1`` library.

``parse_upload`` uses the streaming reader in ``sdmxml`` (fast, flat memory, no DSD needed,
and it also takes SDMX-ML 2.0). This module is the reference it is checked against, and a
second reader for SDMX-ML 2.1 messages when the full ``sdmx1`` object model is wanted.
Every file is first read through ``defusedxml`` (no DTD, entities or external references)
before ``sdmx1``/lxml sees it. A structure-specific message needs the DSD: the SDG DSD in
``data/kyrgyzstan-sdmx/SDG_DSD.KG_1.8.xml`` is loaded once per process, on first use.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError  # nosec B405

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.utils.translation import gettext_lazy as _

from ._common import (
    Collector,
    Period,
    disaggregation,
    msg,
    parse_number,
    parse_period,
    sdmx_where,
    xml_encoding_problem,
)
from .types import ParsedRow, ParseResult

SDG_DSD_PATH = (
    Path(__file__).resolve().parents[2] / "data" / "kyrgyzstan-sdmx" / "SDG_DSD.KG_1.8.xml"
)


@lru_cache(maxsize=1)
def sdg_dsd(path: str = str(SDG_DSD_PATH)) -> Any:
    """The SDG data structure definition, read once per process."""
    import sdmx

    message: Any = sdmx.read_sdmx(path)
    return next(iter(message.structure.values()))


def safe_xml(col: Collector, data: bytes) -> bool:
    """Stream the whole file through defusedxml; False (with a problem) if it is refused."""
    encoding_problem = xml_encoding_problem(data)
    if encoding_problem is not None:
        col.problem(None, "", "", encoding_problem)
        return False
    try:
        for _event, elem in SafeET.iterparse(io.BytesIO(data), events=("end",), forbid_dtd=True):
            elem.clear()
    except DefusedXmlException:
        col.problem(
            None,
            "",
            "",
            _("The file declares XML entities or a document type, which are not accepted."),
        )
        return False
    except ParseError as exc:
        line = getattr(exc, "position", (None, None))[0]
        col.problem(
            None,
            "",
            "",
            msg(_("The XML is malformed near line %(line)s: %(error)s"), line=line, error=str(exc)),
        )
        return False
    return True


def _row(col: Collector, index: int, obs: Any, indicator: str) -> tuple[ParsedRow, Period] | None:
    key = {k: str(v.value) for k, v in obs.key.values.items()}
    attrs = {k: str(v.value) for k, v in obs.attrib.items()}
    raw = obs.value
    if (
        raw is None
        or (isinstance(raw, float) and math.isnan(raw))
        or str(raw).strip() in {"", "NaN", "nan"}
    ):
        col.skipped_blank += 1
        return None
    raw_period = key.pop("TIME_PERIOD", "")
    period = parse_period(raw_period, sdmx=True)
    value = parse_number(raw)
    if period is None or value is None:
        col.problem(index, "", str(raw), _("The observation cannot be read."))
        return None
    return ParsedRow(
        file=col.file,
        row=index,
        indicator=indicator,
        series_code=key.get("SERIES", ""),
        area=key.get("REF_AREA", ""),
        disaggregation=disaggregation(key.items()),
        year=period.year,
        value=value,
        unit=attrs.get("UNIT_MEASURE") or key.get("UNIT_MEASURE", ""),
        nature=attrs.get("NATURE", ""),
        source=attrs.get("SOURCE_DETAIL", ""),
        footnote=attrs.get("COMMENT_OBS") or attrs.get("COMMENT_TS", ""),
        period=period.published,
        where=sdmx_where(key, raw_period),
        reporting_type=key.get("REPORTING_TYPE", ""),
    ), period


def read_with_sdmx1(
    name: str, data: bytes, *, indicator: str | None = None, structure: Any = None
) -> ParseResult:
    """Rows of an SDMX-ML 2.1 message read by sdmx1 (DSD: ``structure`` or the SDG DSD)."""
    import sdmx

    col = Collector(name, "sdmx", max_rows=10**9)
    if not safe_xml(col, data):
        return col.result()
    try:
        message: Any = sdmx.read_sdmx(io.BytesIO(data), structure=structure or sdg_dsd())
    except Exception as exc:  # sdmx1 raises many kinds of errors on unexpected content
        col.problem(
            None, "", "", msg(_("The SDMX message cannot be read: %(error)s"), error=str(exc))
        )
        return col.result()
    index = 0
    for dataset in message.data:
        for obs in dataset.obs:
            index += 1
            read = _row(col, index, obs, indicator or "")
            if read is not None:
                col.add(read[0], read[1].part)
    return col.result()
