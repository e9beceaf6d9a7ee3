"""SDMX-ML messages written by hand: 2.1 generic, 2.0 generic and compact, refusals."""

from __future__ import annotations

from typing import Any

from indicators.imports import ParsedRow, parse_upload
from indicators.imports.sdmx1_reader import read_with_sdmx1

from .helpers import has_problem, ss_message

GENERIC_21 = b"""<?xml version="1.0" encoding="UTF-8"?>
<message:GenericData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
 xmlns:generic="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"
 xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">
 <message:Header><message:ID>G21</message:ID><message:Test>true</message:Test>
  <message:Prepared>2025-01-01T00:00:00</message:Prepared><message:Sender id="KG_NSC"/>
  <message:Structure structureID="SDG" dimensionAtObservation="TIME_PERIOD">
   <common:Structure><Ref agencyID="IAEG-SDGs" id="SDG" version="1.8"/></common:Structure>
  </message:Structure></message:Header>
 <message:DataSet structureRef="SDG">
  <generic:Series>
   <generic:SeriesKey>
    <generic:Value id="FREQ" value="A"/><generic:Value id="REPORTING_TYPE" value="N"/>
    <generic:Value id="SERIES" value="SH_DYN_MORT"/><generic:Value id="REF_AREA" value="417"/>
    <generic:Value id="SEX" value="F"/><generic:Value id="AGE" value="Y0T4"/>
    <generic:Value id="URBANISATION" value="_T"/>
   </generic:SeriesKey>
   <generic:Attributes><generic:Value id="UNIT_MEASURE" value="PER_1000_LIVE_BIRTHS"/></generic:Attributes>
   <generic:Obs>
    <generic:ObsDimension id="TIME_PERIOD" value="2015"/><generic:ObsValue value="21.5"/>
    <generic:Attributes><generic:Value id="NATURE" value="C"/>
     <generic:Value id="COMMENT_OBS" value="Registr\xc3\xa9e"/></generic:Attributes>
   </generic:Obs>
   <generic:Obs><generic:ObsDimension id="TIME_PERIOD" value="2016"/><generic:ObsValue value="19.8"/></generic:Obs>
   <generic:Obs><generic:ObsDimension id="TIME_PERIOD" value="2017"/><generic:ObsValue value="NaN"/></generic:Obs>
  </generic:Series>
 </message:DataSet>
</message:GenericData>
"""

GENERIC_20 = b"""<?xml version="1.0" encoding="UTF-8"?>
<GenericData xmlns="http://www.SDMX.org/resources/SDMXML/schemas/v2_0/message"
 xmlns:generic="http://www.SDMX.org/resources/SDMXML/schemas/v2_0/generic">
 <Header><ID>G20</ID><Test>true</Test><Prepared>2025-01-01T00:00:00</Prepared><Sender id="KG_NSC"/></Header>
 <DataSet>
  <generic:KeyFamilyRef>SDG</generic:KeyFamilyRef>
  <generic:Series>
   <generic:SeriesKey>
    <generic:Value concept="FREQ" value="A"/><generic:Value concept="SERIES" value="SE_TOT_PRFL"/>
    <generic:Value concept="REF_AREA" value="KG02"/><generic:Value concept="SEX" value="M"/>
    <generic:Value concept="EDUCATION_LEV" value="PRIMAR"/>
   </generic:SeriesKey>
   <generic:Attributes>
    <generic:Value concept="UNIT_MEASURE" value="PT"/>
    <generic:Value concept="SOURCE_DETAIL" value="Ministry of Education"/>
   </generic:Attributes>
   <generic:Obs>
    <generic:Time>2019</generic:Time><generic:ObsValue value="88.25"/>
    <generic:Attributes><generic:Value concept="NATURE" value="E"/></generic:Attributes>
   </generic:Obs>
   <generic:Obs><generic:Time>2020</generic:Time><generic:ObsValue value="89"/></generic:Obs>
  </generic:Series>
 </DataSet>
</GenericData>
"""

COMPACT_20 = b"""<?xml version="1.0" encoding="UTF-8"?>
<CompactData xmlns="http://www.SDMX.org/resources/SDMXML/schemas/v2_0/message"
 xmlns:sdg="urn:sdmx:org.sdmx.infomodel.keyfamily.KeyFamily=IAEG-SDGs:SDG:compact">
 <Header><ID>C20</ID><Test>true</Test><Prepared>2025-01-01T00:00:00</Prepared><Sender id="KG_NSC"/></Header>
 <sdg:DataSet>
  <sdg:Series FREQ="A" SERIES="SL_TLF_UEM" REF_AREA="KG" SEX="F" AGE="Y15T24" UNIT_MEASURE="PT">
   <sdg:Obs TIME_PERIOD="2021" OBS_VALUE="12.5" NATURE="C"/>
  </sdg:Series>
 </sdg:DataSet>
</CompactData>
"""


def _row(**fields) -> ParsedRow:
    base: dict[str, Any] = dict(
        file="m.xml",
        indicator="",
        series_code="",
        area="",
        disaggregation=(),
        unit="",
        nature="",
        source="",
        footnote="",
    )
    base.update(fields)
    # SDMX rows are named by series key and period in messages
    parts = [base["series_code"], base["area"], *(f"{d}={c}" for d, c in base["disaggregation"])]
    base.setdefault("where", " ".join(p for p in [*parts, str(base["year"])] if p))
    return ParsedRow(**base)


def test_sdmx21_generic() -> None:
    result = parse_upload("m.xml", GENERIC_21)
    assert result.format == "sdmx"
    assert result.problems == []
    common = dict(
        series_code="SH_DYN_MORT",
        area="417",
        disaggregation=(("AGE", "Y0T4"), ("SEX", "F")),
        unit="PER_1000_LIVE_BIRTHS",
        reporting_type="N",
    )
    assert result.rows == [
        _row(row=1, year=2015, value=21.5, nature="C", footnote="Registrée", **common),
        _row(row=2, year=2016, value=19.8, **common),
    ]
    assert result.skipped_blank == 1
    # sdmx1 reads the same message to the same rows
    assert read_with_sdmx1("m.xml", GENERIC_21).rows == result.rows


def test_sdmx20_generic() -> None:
    result = parse_upload("m.xml", GENERIC_20)
    assert result.problems == []
    common = dict(
        series_code="SE_TOT_PRFL",
        area="KG02",
        disaggregation=(("EDUCATION_LEV", "PRIMAR"), ("SEX", "M")),
        unit="PT",
        source="Ministry of Education",
    )
    assert result.rows == [
        _row(row=1, year=2019, value=88.25, nature="E", **common),
        _row(row=2, year=2020, value=89.0, **common),
    ]


def test_sdmx20_compact() -> None:
    result = parse_upload("m.xml", COMPACT_20)
    assert result.problems == []
    assert result.rows == [
        _row(
            row=1,
            series_code="SL_TLF_UEM",
            area="KG",
            disaggregation=(("AGE", "Y15T24"), ("SEX", "F")),
            year=2021,
            value=12.5,
            unit="PT",
            nature="C",
        )
    ]


def test_indicator_given_for_sdmx() -> None:
    result = parse_upload("m.xml", COMPACT_20, indicator="8.5.2")
    assert result.rows[0].indicator == "8.5.2"


def _one_series(*observations: str) -> bytes:
    dims = dict(series="SH_DYN_MORT", area="KG", sex="_T", unit="PER_1000_LIVE_BIRTHS")
    return ss_message([(dims, list(observations))])


def test_time_period_must_be_a_period() -> None:
    data = _one_series(
        'TIME_PERIOD="2015-W01" OBS_VALUE="1"',
        'TIME_PERIOD="2015-2016" OBS_VALUE="2"',
        'TIME_PERIOD="2017" OBS_VALUE="abc"',
        'TIME_PERIOD="2018" OBS_VALUE="4"',
    )
    result = parse_upload("m.xml", data)
    # problems name the series key and the period, not an ordinal
    assert [(p.place, p.column, p.value) for p in result.problems] == [
        ("SH_DYN_MORT KG 2015-W01", "TIME_PERIOD", "2015-W01"),
        ("SH_DYN_MORT KG 2017", "OBS_VALUE", "abc"),
    ]
    assert "survey period" in str(result.problems[0].reason)
    # a survey period over two years counts for its ending year
    assert [(r.year, r.period) for r in result.rows] == [(2016, "2015-2016"), (2018, "")]


def test_duplicate_observation_in_sdmx() -> None:
    data = _one_series('TIME_PERIOD="2015" OBS_VALUE="1"', 'TIME_PERIOD="2015" OBS_VALUE="2"')
    result = parse_upload("m.xml", data)
    assert [(p.place, str(p.reason)) for p in result.problems] == [
        ("SH_DYN_MORT KG 2015", "SH_DYN_MORT KG 2015 is given twice, with 1 and 2.")
    ]


def test_nan_and_blank_are_skipped() -> None:
    data = _one_series(
        'TIME_PERIOD="2015" OBS_VALUE="NaN"',
        'TIME_PERIOD="2016"',
        'TIME_PERIOD="2017" OBS_VALUE="3"',
    )
    result = parse_upload("m.xml", data)
    assert (len(result.rows), result.skipped_blank, result.problems) == (1, 2, [])


def test_too_many_observations() -> None:
    data = _one_series(*(f'TIME_PERIOD="{2000 + i}" OBS_VALUE="{i}"' for i in range(20)))
    result = parse_upload("m.xml", data, max_rows=10)
    assert has_problem(result, "more than 10 rows")


def test_xxe_is_refused() -> None:
    data = b"""<?xml version="1.0"?>
<!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<message:StructureSpecificData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message">
<message:DataSet><Series SERIES="&xxe;"><Obs TIME_PERIOD="2015" OBS_VALUE="1"/></Series></message:DataSet>
</message:StructureSpecificData>"""
    result = parse_upload("m.xml", data)
    assert result.rows == []
    assert has_problem(result, "declares XML entities")
    assert read_with_sdmx1("m.xml", data).rows == []


def test_billion_laughs_is_refused() -> None:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    data = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY l0 "lol">' + entities + "]>"
        '<message:GenericData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message">'
        "<x>&l9;</x></message:GenericData>"
    ).encode()
    result = parse_upload("m.xml", data)
    assert has_problem(result, "declares XML entities")


def test_malformed_xml_names_the_line() -> None:
    data = _one_series('TIME_PERIOD="2015" OBS_VALUE="1"').replace(b"</Series>", b"</Serie>")
    result = parse_upload("m.xml", data)
    line = data.decode().splitlines().index("</Serie>") + 1
    assert has_problem(result, f"near line {line}")


def test_unknown_encoding_is_a_problem_not_a_crash() -> None:
    data = _one_series('TIME_PERIOD="2015" OBS_VALUE="1"')
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    for encoding in (b"UTF-NaN", b"x-no-such-charset", b"utf-7", b"shift_jis"):
        declared = data.replace(b'encoding="UTF-8"', b'encoding="' + encoding + b'"', 1)
        result = parse_upload("m.xml", declared)
        assert has_problem(result, "character encoding is not supported"), encoding
        assert result.rows == []


def test_html_named_xml() -> None:
    result = parse_upload("m.xml", b"<!DOCTYPE html><html><body>Not found</body></html>")
    assert has_problem(result, "web page")
    xhtml = b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'
    assert has_problem(parse_upload("m.xml", xhtml), "not an SDMX-ML data message")


def test_structure_message_is_not_data() -> None:
    from .helpers import DATA

    dsd = (DATA / "kyrgyzstan-sdmx" / "SDG_DSD.KG_1.8.xml").read_bytes()
    result = parse_upload("SDG_DSD.xml", dsd)
    assert has_problem(result, "Structure message, not a data message")


def test_all_dimensions_at_observation() -> None:
    data = (
        b'<?xml version="1.0"?><message:StructureSpecificData'
        b' xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message">'
        b'<message:Header><message:Structure dimensionAtObservation="AllDimensions"/></message:Header>'
        b'<message:DataSet><Obs FREQ="A" SERIES="SH_DYN_MORT" REF_AREA="KG" SEX="M" TIME_PERIOD="2020"'
        b' OBS_VALUE="17" UNIT_MEASURE="PER_1000_LIVE_BIRTHS"/></message:DataSet>'
        b"</message:StructureSpecificData>"
    )
    result = parse_upload("m.xml", data)
    assert result.problems == []
    assert result.rows[0].disaggregation == (("SEX", "M"),)
    assert result.rows[0].unit == "PER_1000_LIVE_BIRTHS"
