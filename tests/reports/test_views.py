import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from indicators.engine.assess import ASSESS_COLUMNS
from indicators.models import DiscrepancyCase, Indicator, Population, SeriesResult
from tests.factories import CountryFactory
from tests.reports.conftest import make_release, make_sheet, run_inline

PAGES = [
    ("indicators:reports:progress", {}),
    ("indicators:reports:country", {"iso3": "KGZ"}),
    ("indicators:reports:country", {"iso3": "KAZ"}),
    ("indicators:reports:indicator", {"code": "3.2.1"}),
    ("indicators:reports:discrepancies", {}),
    ("indicators:reports:cases", {}),
    ("indicators:reports:runs", {}),
]
ROLES = ["focal_point", "member", "focal_point_b", "agency_focal_point", "coordinator", "observer"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_every_member_reads_every_report(client, computed, role, name, kwargs):
    client.force_login(computed.users[role])
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    can_run = b"Recompute everything now" in response.content
    assert can_run == (role == "coordinator" and name.endswith(("progress", "runs")))


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_anonymous_is_sent_to_login(client, computed, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("role", ["focal_point", "member", "agency_focal_point", "observer"])
def test_only_the_coordinator_starts_runs(client, computed, role):
    client.force_login(computed.users[role])
    assert client.post(reverse("indicators:reports:run_start")).status_code == 403
    client.force_login(computed.users["coordinator"])
    assert client.post(reverse("indicators:reports:run_start")).status_code == 302


@pytest.mark.parametrize(
    ("role", "own", "allowed"),
    [
        ("focal_point", True, True),
        ("focal_point_b", False, False),
        ("member", True, False),
        ("agency_focal_point", None, True),
        ("coordinator", None, True),
        ("observer", None, False),
    ],
)
def test_case_answer_matrix(client, computed, role, own, allowed):
    case = DiscrepancyCase.objects.get(country__iso3="KAZ", indicator__code="3.2.2")
    client.force_login(computed.users[role])
    url = reverse("indicators:reports:case_detail", kwargs={"pk": case.pk})
    page = client.get(url)
    assert page.status_code == 200 and (b'name="text"' in page.content) == allowed
    response = client.post(
        url, {"text": "We use the census", "status": "explained", "reason": "source"}
    )
    assert response.status_code == (302 if allowed else 403)
    case.refresh_from_db()
    assert (case.status == "explained") == allowed


def test_pages_show_results_and_explanations(client, computed):
    client.force_login(computed.users["observer"])
    page = client.get(reverse("indicators:reports:progress")).content.decode()
    assert "cat-early_achiever" in page and "Kyrgyzstan" in page and "3.2.1" in page
    profile = client.get(
        reverse("indicators:reports:country", kwargs={"iso3": "KGZ"})
    ).content.decode()
    assert "<svg" in profile and "<title>" in profile and "t*" in profile
    assert "Target (after cut-off)" in profile and "discrepant" in profile.lower()
    assert 'style="' not in profile and "<script>" not in profile
    report = client.get(
        reverse("indicators:reports:discrepancies") + "?country=KAZ"
    ).content.decode()
    assert "Values by year" in report and "consistent" in report.lower()
    sorted_page = client.get(
        reverse("indicators:reports:indicator", kwargs={"code": "3.2.1"}) + "?sort=-country"
    )
    body = sorted_page.content.decode()
    assert body.index("Kyrgyzstan") < body.index("Kazakhstan")


def test_region_without_data_says_so(client, computed):
    from portal.models import Region

    empty = Region.objects.create(code="LAC", name_en="Latin America", name_es="AL", kind="group")
    empty.members.add(CountryFactory(iso3="CHL", iso2="CL", m49="152", name_en="Chile"))
    client.force_login(computed.users["observer"])
    page = client.get(reverse("indicators:reports:progress") + "?region=LAC").content.decode()
    assert "There are no results for Latin America yet" in page


def test_without_population_the_footer_says_so(client, computed):
    Population.objects.all().delete()
    client.force_login(computed.users["observer"])
    page = client.get(reverse("indicators:reports:progress")).content.decode()
    assert "No population figures are loaded" in page


EXPORTS = [
    ("indicators:reports:progress", {}),
    ("indicators:reports:country", {"iso3": "KAZ"}),
    ("indicators:reports:indicator", {"code": "3.2.2"}),
    ("indicators:reports:discrepancies", {}),
    ("indicators:reports:cases", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), EXPORTS)
def test_exports(client, computed, name, kwargs):
    client.force_login(computed.users["member"])
    url = reverse(name, kwargs=kwargs)
    response = client.get(url + "?export=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) >= 2 and rows[0]
    response = client.get(url + "?export=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["README", "data"]
    readme = [row[0].value for row in book["README"].iter_rows()]
    assert "Method" in readme
    assert book["data"].max_row == len(rows)


def _export_rows(client, name: str, kwargs: dict[str, str]) -> list[dict[str, str]]:
    response = client.get(reverse(name, kwargs=kwargs) + "?export=csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_exports_agree_on_a_target_never_reached(client, computed):
    """Both exports write t* = inf when the trend never reaches the target (docs/engine.md,
    D5), the country profile with the engine's series result columns in their order."""
    SeriesResult.objects.filter(
        is_current=True, country__iso3="KAZ", indicator__code="3.2.2", source="national"
    ).update(t_star=None, t_star_never=True, category="off_track_slow")
    client.force_login(computed.users["member"])
    indicator = _export_rows(client, "indicators:reports:indicator", {"code": "3.2.2"})
    assert [r["t_star"] for r in indicator if r["country"] == "KAZ"] == ["inf"]
    profile = _export_rows(client, "indicators:reports:country", {"iso3": "KAZ"})
    assert list(profile[0]) == [
        *ASSESS_COLUMNS,
        "sheet_id",
        "sheet_version",
        "release_id",
        "agency",
    ]
    never = [r for r in profile if r["indicator"] == "3.2.2" and r["source"] == "national"]
    assert never and {r["t_star"] for r in never} == {"inf"}
    assert {r["country"] for r in profile} == {"KAZ"}
    reached = [r for r in profile if r["indicator"] == "3.2.1" and r["source"] == "national"]
    assert reached and all(r["t_star"] != "inf" for r in reached)


def _grow(world, extra_countries: int, extra_indicators: int):
    codes = list(Indicator.objects.values_list("code", flat=True))[:extra_indicators]
    for n in range(extra_countries):
        country = CountryFactory(iso3=f"X{n:02d}", iso2=f"Q{chr(65 + n)}", m49=f"9{n:02d}")
        world.region.members.add(country)
        values = {(country.iso3, code, ""): {2015: 10.0 + n, 2020: 8.0} for code in codes}
        make_sheet(country, world.round, values)
    make_release(world.agency, {("X00", code, ""): {2015: 11.0, 2020: 9.0} for code in codes}, 2)
    assert run_inline().status == "succeeded"


@pytest.mark.parametrize("size", [0, 1])
def test_progress_table_costs_constant_queries(client, world, django_assert_num_queries, size):
    if size:
        _grow(world, 12, 20)
    else:
        run_inline()
    client.force_login(world.users["observer"])
    client.get(reverse("indicators:reports:progress"))  # warm the session
    with django_assert_num_queries(12):
        response = client.get(reverse("indicators:reports:progress") + "?region=CIS")
    assert response.status_code == 200
