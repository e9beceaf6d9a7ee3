"""Every real file of data/ imports, or is refused with row-level reasons."""

from pathlib import Path

import pytest

from indicators.imports import parse_upload
from indicators.models import Indicator
from indicators.services.validation import RowMapper
from portal.models import Country
from portal.services import reference_data_load

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
KAZ = sorted((DATA / "kazakhstan-open-sdg" / "data").glob("*.csv"))
KGZ = sorted((DATA / "kyrgyzstan-sdmx" / "data").glob("*"))


@pytest.fixture
def world(db, indicators):
    reference_data_load()
    return {
        "KAZ": RowMapper(country=Country.objects.get(iso3="KAZ")),
        "KGZ": RowMapper(country=Country.objects.get(iso3="KGZ")),
    }


def _check(mapper: RowMapper, path: Path) -> tuple[int, int, int]:
    result = parse_upload(path.name, path.read_bytes())
    mapped = mapper.map_rows(result.rows)
    problems = list(result.problems) + mapped.problems
    for problem in problems:
        assert problem.file == path.name
        assert str(problem.reason).strip(), problem
    return len(result.rows), len(mapped.candidates), len(problems)


def test_every_kazakh_file(world):
    assert len(KAZ) > 250
    totals = [_check(world["KAZ"], path) for path in KAZ]
    assert sum(rows for rows, _c, _p in totals) > 10_000
    assert sum(cands for _r, cands, _p in totals) > 0


def test_every_kyrgyz_file(world):
    assert len(KGZ) > 100
    totals = [_check(world["KGZ"], path) for path in KGZ]
    assert sum(rows for rows, _c, _p in totals) > 5_000


def test_kazakh_under_five_mortality_imports_cleanly(world):
    rows, candidates, problems = _check(
        world["KAZ"], DATA / "kazakhstan-open-sdg" / "data" / "indicator_3-2-1.csv"
    )
    assert problems == 0 and candidates == rows > 100


def test_kyrgyz_under_five_mortality_imports_cleanly(world):
    rows, candidates, problems = _check(
        world["KGZ"], DATA / "kyrgyzstan-sdmx" / "data" / "3.2.1.xml"
    )
    assert (rows, candidates, problems) == (540, 540, 0)


def test_kyrgyz_refugees_by_origin_is_tracked_as_10_7_4(world):
    """The migration indicators are in the catalogue: Kyrgyzstan's SM_POP_REFG_OR file maps to
    10.7.4 (refugees per 100,000 population, by country of origin) instead of "not tracked"."""
    path = DATA / "kyrgyzstan-sdmx" / "data" / "10.7.4.xml"
    result = parse_upload(path.name, path.read_bytes())
    mapped = world["KGZ"].map_rows(result.rows)
    assert mapped.problems == [] and len(mapped.candidates) == len(result.rows) > 20
    expected = Indicator.objects.get(code="10.7.4").pk
    assert {candidate.indicator_id for candidate in mapped.candidates} == {expected}


def _refusals(mapper: RowMapper, path: Path) -> list[str]:
    """The problems an upload of this one file shows, as the preview filters them."""
    result = parse_upload(path.name, path.read_bytes())
    mapped = mapper.map_rows(result.rows)
    dropped = {id(p) for p in mapper.untracked_problems(result.problems)}
    return [str(p.reason) for p in result.problems if id(p) not in dropped] + [
        str(p.reason) for p in mapped.problems
    ]


def test_only_genuine_faults_refuse_a_real_file(world):
    """Issue 13: every real file imports, untracked series listed, except files with a fault
    of their own: published with a header and no data, values above 100 %, a workbook of
    another tool."""
    refused = {}
    for iso3, paths in (("KAZ", KAZ + [KAZ[0].with_name("indicator_3-1-1.xlsx")]), ("KGZ", KGZ)):
        for path in paths:
            if path.suffix in {".csv", ".xml", ".xlsx"}:
                reasons = _refusals(world[iso3], path)
                if reasons:
                    refused[path.name] = sorted(set(reasons))
    empty = ["The file contains no observations."]
    assert {name for name, reasons in refused.items() if reasons != empty} == {
        "indicator_3-1-2.csv",
        "2.4.1.1.xlsx",
    }
    assert refused["indicator_3-1-2.csv"] == [
        "out of range for 3.1.2: values must lie between 0.0 and 100.0 %"
    ]
    assert len(refused) == 69
