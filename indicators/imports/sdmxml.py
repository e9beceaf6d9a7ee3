"""A streaming reader of SDMX-ML data messages built on the global SDG data structure.

Reads SDMX-ML 2.1 structure-specific and generic messages, and SDMX-ML 2.0 generic and
compact messages, with expat callbacks (no DTD, no entities, no external references: each
is refused as ``defusedxml`` refuses them) and no element tree: an element is a small
`_Node` while it is open and nothing once closed, so memory does not grow with the file,
and no data structure definition is needed. Which names are attributes rather than dimensions
in a structure-specific message is taken from the SDG DSD (``SDG_ATTRIBUTES``); a test
checks that list against SDG_DSD.KG_1.8.xml and this reader against ``sdmx1``.
"""

from __future__ import annotations

from typing import Any
from xml.parsers import expat  # nosec B407

from defusedxml import DefusedXmlException
from django.utils.translation import gettext_lazy as _

from ._common import (
    SDG_ATTRIBUTES,
    Collector,
    TooManyRows,
    disaggregation,
    is_blank_value,
    msg,
    parse_number,
    parse_period,
    sdmx_where,
    xml_encoding_problem,
    xml_encoding_reason,
)
from .types import ParsedRow

DATA_MESSAGES = frozenset(
    {
        "StructureSpecificData",
        "StructureSpecificTimeSeriesData",
        "GenericData",
        "GenericTimeSeriesData",
        "CompactData",
    }
)
_SDMX_NS = "sdmx.org/resources/sdmxml/schemas/"
#: SDMX messages nest about eight deep and use at most some 30 elements per observation; a
#: file with millions of nested or empty elements (33 s and 1 GB before these limits) is
#: stopped at the first element past either limit.
MAX_DEPTH = 32
MAX_ELEMENTS = 2_000_000
_TIME = ("TIME_PERIOD", "TIME")
#: distinct series keys remembered while reading (a bound, not a limit: past it, start again)
_KEY_CACHE = 100_000
_UNREAD = object()


class _Stop(Exception):
    """The message is not one this reader takes; a problem has been recorded."""


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _sep, local = tag[1:].partition("}")
        return ns, local
    return "", tag


class _Node:
    """An open element as the reader needs it: tag as ElementTree spells it ("{ns}local"),
    attributes with plain names (namespaced ones are left out) and, for Time, its text."""

    __slots__ = ("tag", "attrib", "text")

    def __init__(self, tag: str, attrib: dict[str, str]) -> None:
        self.tag = tag
        self.attrib = attrib
        self.text: str | None = None

    def get(self, name: str, default: Any = None) -> Any:
        return self.attrib.get(name, default)


def _plain_attrs(elem: _Node) -> dict[str, str]:
    """Attributes without a namespace (ss:, xsi: and friends are metadata, not data)."""
    return elem.attrib


class _Obs:
    __slots__ = ("key", "attrs", "value")

    def __init__(self) -> None:
        self.key: dict[str, str] = {}
        self.attrs: dict[str, str] = {}
        self.value: str | None = None


class StreamReader:
    """Feed it iterparse events; it adds one ParsedRow per observation to the collector."""

    def __init__(self, col: Collector, indicator: str | None) -> None:
        self.col = col
        self.indicator = indicator or ""
        self.names: list[str] = []
        self.elems: list[_Node] = []
        self.dim_at_obs = "TIME_PERIOD"
        self.dataset_depth = 0
        self.dataset_attrs: dict[str, str] = {}
        self.series_key: dict[str, str] = {}
        self.series_attrs: dict[str, str] = {}
        self.obs = _Obs()
        self.index = 0
        self.version = ""
        self.elements = 0
        #: an observation's key (without its period) -> (disaggregation, where without period)
        self._keys: dict[tuple[tuple[str, str], ...], tuple[tuple[tuple[str, str], ...], str]] = {}
        #: TIME_PERIOD as written -> its Period (or None): a file has few distinct periods
        self._periods: dict[str, Any] = {}

    def _count(self, local: str) -> None:
        self.elements += 1
        if len(self.names) >= MAX_DEPTH:
            self.col.problem(
                None,
                "",
                local,
                msg(
                    _("The XML nests elements more than %(limit)s deep; it is not read."),
                    limit=MAX_DEPTH,
                ),
            )
            raise _Stop
        if self.elements > MAX_ELEMENTS:
            self.col.problem(
                None,
                "",
                local,
                msg(
                    _("The XML has more than %(limit)s elements; it is not read."),
                    limit=MAX_ELEMENTS,
                ),
            )
            raise _Stop

    # -- events -------------------------------------------------------------------------
    def start(self, elem: _Node) -> None:
        ns, local = _split(elem.tag)
        self._count(local)
        self.names.append(local)
        self.elems.append(elem)
        if len(self.names) == 1:
            self._root(ns, local)
        elif local == "Structure" and elem.get("dimensionAtObservation"):
            self.dim_at_obs = elem.get("dimensionAtObservation", "TIME_PERIOD")
        elif local == "DataSet":
            self.dataset_depth = len(self.names)
            self.dataset_attrs = {
                k: v for k, v in _plain_attrs(elem).items() if k in SDG_ATTRIBUTES
            }
        elif self.dataset_depth and local == "Series":
            self._start_series(elem)
        elif self.dataset_depth and local == "Obs":
            self._start_obs(elem)

    def end(self, elem: _Node) -> None:
        local = self.names[-1]
        if self.dataset_depth and len(self.names) > self.dataset_depth:
            self._end_in_dataset(elem, local)
        elif local == "DataSet":
            self.dataset_depth = 0
        self.names.pop()
        self.elems.pop()

    # -- structure ----------------------------------------------------------------------
    def _root(self, ns: str, local: str) -> None:
        if _SDMX_NS not in ns.lower():
            self.col.problem(None, "", local, _("This XML file is not an SDMX-ML data message."))
            raise _Stop
        self.version = "2.0" if "v2_0" in ns else "2.1"
        if local not in DATA_MESSAGES:
            self.col.problem(
                None,
                "",
                local,
                msg(
                    _("This SDMX-ML message is a %(kind)s message, not a data message."),
                    kind=local,
                ),
            )
            raise _Stop

    def _start_series(self, elem: _Node) -> None:
        self.series_key, self.series_attrs = {}, {}
        for name, value in _plain_attrs(elem).items():
            target = self.series_attrs if name in SDG_ATTRIBUTES else self.series_key
            target[name] = value

    def _start_obs(self, elem: _Node) -> None:
        self.obs = obs = _Obs()
        all_dims = self.dim_at_obs == "AllDimensions"
        for name, value in _plain_attrs(elem).items():
            if name == "OBS_VALUE":
                obs.value = value
            elif name in SDG_ATTRIBUTES:
                obs.attrs[name] = value
            elif name in _TIME or name == self.dim_at_obs or all_dims:
                obs.key[name] = value
            else:
                obs.attrs[name] = value

    def _end_in_dataset(self, elem: _Node, local: str) -> None:
        if local == "Obs":
            self._emit()
        elif local == "Value":
            self._generic_value(elem)
        elif local == "ObsDimension":
            self.obs.key[elem.get("id") or self.dim_at_obs] = elem.get("value", "")
        elif local == "ObsValue":
            self.obs.value = elem.get("value")
        elif local == "Time" and self.version == "2.0":
            self.obs.key["TIME_PERIOD"] = (elem.text or "").strip()

    def _generic_value(self, elem: _Node) -> None:
        name = elem.get("id") or elem.get("concept") or ""
        value = elem.get("value", "")
        parent = self.names[-2]
        grandparent = self.names[-3] if len(self.names) > 2 else ""
        target: dict[str, str] | None = None
        if parent == "SeriesKey":
            target = self.series_key
        elif parent == "ObsKey":
            target = self.obs.key
        elif parent == "Attributes":
            target = {
                "Series": self.series_attrs,
                "Obs": self.obs.attrs,
                "DataSet": self.dataset_attrs,
            }.get(grandparent)
        if target is not None and name:
            target[name] = value

    # -- observations -------------------------------------------------------------------
    def _breakdown(
        self, key: dict[str, str], period: str
    ) -> tuple[tuple[tuple[str, str], ...], str]:
        """(disaggregation, where) of an observation's key. A series repeats its key on every
        period, so the sorted breakdown and the text naming it are built once per key."""
        items = tuple(key.items())
        known = self._keys.get(items)
        if known is None:
            if len(self._keys) >= _KEY_CACHE:
                self._keys.clear()
            known = self._keys[items] = (disaggregation(items), sdmx_where(key, ""))
        breakdown, head = known
        return breakdown, f"{head} {period}" if head and period else head or period

    def _emit(self) -> None:
        self.index += 1
        row = self.index
        obs, self.obs = self.obs, _Obs()
        self.col.count_row(row)
        if is_blank_value(obs.value):
            self.col.skipped_blank += 1
            return
        key = {**self.series_key, **obs.key}
        attrs = {**self.dataset_attrs, **self.series_attrs, **obs.attrs}
        raw_period = next((key.pop(name) for name in _TIME if name in key), "")
        breakdown, where = self._breakdown(key, raw_period)
        period = self._periods.get(raw_period, _UNREAD)
        if period is _UNREAD:
            period = self._periods[raw_period] = parse_period(raw_period, sdmx=True)
        if period is None:
            self.col.problem(
                row,
                "TIME_PERIOD",
                raw_period,
                _(
                    "The time period is not a year (2015), a survey period (2014-15), a quarter "
                    "(2015-Q1) or a month (2015-M01)."
                ),
                where=where,
            )
        number = parse_number(obs.value)
        if number is None:
            self.col.problem(
                row, "OBS_VALUE", obs.value, _("The value is not a number."), where=where
            )
        series = key.get("SERIES", "")
        if not series and not self.indicator:
            self.col.problem(
                row, "SERIES", "", _("The observation has no SERIES code."), where=where
            )
            return
        if period is None or number is None:
            return
        self.col.add(
            ParsedRow(
                file=self.col.file,
                row=row,
                indicator=self.indicator,
                series_code=series,
                area=key.get("REF_AREA", ""),
                disaggregation=breakdown,
                year=period.year,
                value=number,
                unit=attrs.get("UNIT_MEASURE") or key.get("UNIT_MEASURE", ""),
                nature=attrs.get("NATURE", ""),
                source=attrs.get("SOURCE_DETAIL", ""),
                footnote=attrs.get("COMMENT_OBS") or attrs.get("COMMENT_TS", ""),
                period=period.published,
                where=where,
                reporting_type=key.get("REPORTING_TYPE", ""),
            ),
            period.part,
        )


def _refuse(*_args: object) -> None:
    """Set on every DTD and entity callback of the parser: refused as defusedxml refuses them."""
    raise DefusedXmlException("DTD or entity")


def _parse(parser: Any, data: bytes, col: Collector) -> None:
    """Run the parser over the message, every way it can refuse one turned into a problem."""
    encoding_problem = xml_encoding_problem(data)
    if encoding_problem is not None:
        col.problem(None, "", "", encoding_problem)
        return
    try:
        parser.Parse(data, True)
    except DefusedXmlException:
        col.problem(
            None,
            "",
            "",
            _("The file declares XML entities or a document type, which are not accepted."),
        )
    except expat.ExpatError as exc:
        col.problem(
            None,
            "",
            "",
            msg(
                _("The XML is malformed near line %(line)s: %(error)s"),
                line=exc.lineno,
                error=str(exc),
            ),
        )
    except UnicodeError:  # bytes the declared encoding cannot decode
        col.problem(None, "", "", xml_encoding_reason())
    except (_Stop, TooManyRows):
        return


def parse_sdmx(col: Collector, data: bytes, indicator: str | None) -> None:
    reader = StreamReader(col, indicator)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse  # type: ignore[assignment]
    nodes: list[_Node] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if attrs and "}" in "\n".join(attrs):  # a namespaced attribute (one join, not a loop)
            attrs = {key: value for key, value in attrs.items() if "}" not in key}
        node = _Node("{" + name if "}" in name else name, attrs)
        nodes.append(node)
        reader.start(node)

    def end(_name: str) -> None:
        reader.end(nodes.pop())

    def characters(text: str) -> None:
        node = nodes[-1] if nodes else None
        if node is not None and node.tag.endswith("Time"):  # the only text read (SDMX 2.0)
            node.text = (node.text or "") + text

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    _parse(parser, data, col)
