"""The results API: engine runs, series, aggregates and discrepancy results, discrepancy cases
and the results export. Every member reads them (as on the report pages); answering a case is
for the country's focal point, the case's agency and the coordinator, as on the case page."""

from __future__ import annotations

import csv
import io

import pytest
from rest_framework.test import APIClient

from indicators.models import (
    AggregateResult,
    CaseComment,
    DiscrepancyCase,
    DiscrepancyResult,
    EngineRun,
    Population,
    SeriesResult,
)
from indicators.reports import services as report_services
from portal.models import Region
from portal.services import token_create
from tests.reports.conftest import INTERNATIONAL, NATIONAL, make_release, make_sheet, run_inline

ROLES = ["focal_point", "member", "focal_point_b", "agency_focal_point", "coordinator", "observer"]


@pytest.fixture
def computed(sheet_world, round_2026):
    """KAZ and KGZ published, a UNICEF release, population, and one successful engine run."""
    world = sheet_world
    region = Region.objects.create(code="CIS", name_en="CIS", name_es="CEI", kind="group")
    region.members.add(world.country_a, world.country_b)
    world.kaz = make_sheet(world.country_a, round_2026, NATIONAL)
    world.kgz = make_sheet(world.country_b, round_2026, NATIONAL)
    world.release = make_release(world.agency, INTERNATIONAL)
    for country, population in ((world.country_a, 19e6), (world.country_b, 7e6)):
        for year in range(2015, 2022):
            Population.objects.create(country=country, year=year, value=population)
    world.run = run_inline()
    assert world.run.status == "succeeded", world.run.problems
    world.case_kaz = DiscrepancyCase.objects.get(country__iso3="KAZ", indicator__code="3.2.2")
    world.case_kgz = DiscrepancyCase.objects.get(
        country__iso3="KGZ", indicator__code="3.2.1", series=""
    )
    return world


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        _token, key = token_create(user=user, name="test")
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _errors(response):
    body = response.json()
    assert set(body) == {"errors"}, body
    for error in body["errors"]:
        assert {"field", "message", "code"} <= set(error) and error["message"]
    return body["errors"]


def _all(client, url):
    """Every row of a list, following `next` (cursor or numbered pages)."""
    rows = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        url = body["next"]
    return rows


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


# --- engine runs --------------------------------------------------------------------------


def test_engine_runs_list_and_detail(computed):
    coordinator = computed.users["coordinator"]
    manual = report_services.engine_run_create(trigger="manual", user=coordinator)
    client = _client(computed.users["observer"])
    runs = client.get("/api/v1/engine-runs/").json()["results"]
    assert [r["id"] for r in runs] == [manual.pk, computed.run.pk]
    assert runs[0]["started_by"] == coordinator.full_name and runs[0]["status"] == "queued"
    assert runs[1]["started_by"] is None and runs[1]["trigger"] == "command"
    assert runs[1]["indicator_codes"] is None and runs[1]["country_codes"] is None
    assert "inputs" not in runs[1] and "problems" not in runs[1]
    detail = client.get(f"/api/v1/engine-runs/{computed.run.pk}/").json()
    assert detail["status"] == "succeeded" and detail["duration"] >= 0
    counts = detail["counts"]
    assert counts["national"] and counts["discrepancies"] and counts["cases"]["opened"] >= 2
    assert (
        sum(counts["national"].values())
        == SeriesResult.objects.filter(run=computed.run, source="national").count()
    )
    assert {s["id"] for s in detail["inputs"]["sheets"]} == {computed.kaz.pk, computed.kgz.pk}
    assert detail["problems"] == [] and detail["error"] == ""
    assert client.get("/api/v1/engine-runs/?status=queued").json()["count"] == 1
    assert client.get("/api/v1/engine-runs/?trigger=nightly").json()["count"] == 0


def test_failed_run_shows_its_problems(computed):
    problem = {"indicator": "3.2.1", "country": "KGZ", "year": 2019, "message": "negative"}
    failed = EngineRun.objects.create(
        trigger="command", status="failed", problems=[problem], error="3.2.1: rejected"
    )
    detail = _client(computed.users["member"]).get(f"/api/v1/engine-runs/{failed.pk}/").json()
    assert detail["status"] == "failed" and detail["problems"] == [problem]
    assert detail["error"] == "3.2.1: rejected" and detail["duration"] is None


# --- results ------------------------------------------------------------------------------


def test_series_results_are_the_current_ones_with_their_explanation(computed):
    client = _client(computed.users["focal_point_b"])
    rows = _all(client, "/api/v1/results/series/?page_size=2")
    assert len(rows) == SeriesResult.objects.filter(is_current=True).count() > 4
    kaz = [
        r
        for r in rows
        if (r["country"], r["indicator"], r["source"], r["series"])
        == ("KAZ", "3.2.1", "national", "")
    ]
    assert len(kaz) == 1
    row = kaz[0]
    assert row["run"] == computed.run.pk and row["is_headline"] is True
    assert (row["first_year"], row["first_value"]) == (2015, 12.04)
    assert (row["latest_year"], row["latest_value"]) == (2019, 10.69)
    assert row["sheet"] == computed.kaz.pk and row["sheet_version"] == 1
    assert row["release"] is None and row["agency"] is None
    assert row["category"] and row["model"] in ("linear", "geometric", "")
    international = client.get(
        "/api/v1/results/series/?country=KAZ&indicator=3.2.1&source=international"
    ).json()["results"]
    assert [r["agency"] for r in international] == ["UNICEF"]
    assert international[0]["release"] == computed.release.pk


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=KGZ", lambda r: r.country.iso3 == "KGZ"),
        ("indicator=3.2.2", lambda r: r.indicator.code == "3.2.2"),
        ("source=international", lambda r: r.source == "international"),
        ("series=SEX%3DF", lambda r: r.series == "SEX=F"),
        ("headline=false", lambda r: not r.is_headline),
        ("region=CIS&headline=true", lambda r: r.is_headline),
        ("region=LAC", lambda r: False),
    ],
)
def test_series_result_filters(computed, query, expected):
    rows = _all(_client(computed.users["member"]), f"/api/v1/results/series/?{query}")
    current = SeriesResult.objects.filter(is_current=True).select_related("country", "indicator")
    assert sorted(r["id"] for r in rows) == sorted(r.pk for r in current if expected(r))


def test_series_results_by_category(computed):
    client = _client(computed.users["member"])
    for category in set(SeriesResult.objects.values_list("category", flat=True)):
        rows = _all(client, f"/api/v1/results/series/?category={category}")
        assert rows and {r["category"] for r in rows} == {category}


def test_aggregates(computed):
    client = _client(computed.users["observer"])
    rows = _all(client, "/api/v1/results/aggregates/")
    assert len(rows) == AggregateResult.objects.filter(is_current=True).count() > 0
    group = _all(client, "/api/v1/results/aggregates/?group=true")
    assert group and all(r["region"] is None for r in group)
    regions = _all(client, "/api/v1/results/aggregates/?region=CIS&indicator=3.2.1")
    assert regions and {(r["region"], r["indicator"]) for r in regions} == {("CIS", "3.2.1")}
    assert all(0 < r["coverage"] <= 1 for r in regions if r["coverage"] is not None)
    assert all(r["without_population"] == [] for r in regions)


def test_discrepancy_results(computed):
    client = _client(computed.users["agency_focal_point"])
    rows = _all(client, "/api/v1/results/discrepancies/")
    assert len(rows) == DiscrepancyResult.objects.filter(is_current=True).count()
    discrepant = _all(client, "/api/v1/results/discrepancies/?country=KGZ&status=discrepant")
    assert [(r["indicator"], r["series"]) for r in discrepant] == [("3.2.1", "")]
    row = discrepant[0]
    assert row["common_years"] == 4 and row["discrepant_years"] == 4
    assert row["max_abs_rel_diff"] > 0.4
    assert _all(client, "/api/v1/results/discrepancies/?indicator=9.9.9") == []


# --- cases --------------------------------------------------------------------------------


def test_cases_list_and_filters(computed):
    client = _client(computed.users["observer"])
    rows = _all(client, "/api/v1/cases/")
    assert len(rows) == DiscrepancyCase.objects.count() >= 2
    kgz = _all(client, "/api/v1/cases/?country=KGZ&status=open")
    assert computed.case_kgz.pk in [r["id"] for r in kgz]
    assert all(r["country"] == "KGZ" and r["status"] == "open" for r in kgz)
    assert _all(client, "/api/v1/cases/?status=resolved") == []
    assert _all(client, "/api/v1/cases/?agency=WHO") == []


def test_case_detail_has_comments_and_the_current_comparison(computed):
    case = computed.case_kaz
    report_services.case_answer(
        case=case,
        user=computed.users["focal_point"],
        text="We use the census",
        status="explained",
        reason="source",
    )
    CaseComment.objects.create(case=case, side="engine", text="Reopened")
    detail = _client(computed.users["focal_point_b"]).get(f"/api/v1/cases/{case.pk}/").json()
    assert (detail["country"], detail["indicator"], detail["status"]) == (
        "KAZ",
        "3.2.2",
        "explained",
    )
    assert detail["reason"] == "source" and detail["closed_at"] is not None
    assert [(c["side"], c["author"], c["text"]) for c in detail["comments"]] == [
        ("country", computed.users["focal_point"].full_name, "We use the census"),
        ("engine", None, "Reopened"),
    ]
    assert detail["result"]["country"] == "KAZ" and detail["result"]["indicator"] == "3.2.2"
    assert detail["opened_by_run"] == computed.run.pk and detail["can_answer"] is False


# role -> (may answer KAZ's case, may answer KGZ's case); everyone reads both, as on the pages.
CASE_MATRIX = {
    "focal_point": (True, False),
    "member": (False, False),
    "focal_point_b": (False, True),
    "agency_focal_point": (True, True),  # both cases are on UNICEF's series
    "coordinator": (True, True),
    "observer": (False, False),
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_of_results_and_cases(computed, role):
    own, other = computed.case_kaz, computed.case_kgz
    assert own.agency == other.agency == computed.agency
    client = _client(computed.users[role])
    for url in (
        "/api/v1/engine-runs/",
        f"/api/v1/engine-runs/{computed.run.pk}/",
        "/api/v1/results/series/?country=KAZ",
        "/api/v1/results/series/?country=KGZ",
        "/api/v1/results/aggregates/",
        "/api/v1/results/discrepancies/?country=KGZ",
        "/api/v1/cases/",
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)
        body = response.json()
        assert body.get("results", [body]), url
    listed = {r["id"] for r in _all(client, "/api/v1/cases/")}
    assert {own.pk, other.pk} <= listed
    for case, may_answer in zip((own, other), CASE_MATRIX[role], strict=True):
        response = client.get(f"/api/v1/cases/{case.pk}/")
        assert response.status_code == 200
        assert response.json()["can_answer"] is may_answer, case
    assert _csv(client.get("/api/v1/exports/results.csv?country=KGZ"))


RESULT_URLS = [
    "/api/v1/engine-runs/",
    "/api/v1/engine-runs/{run}/",
    "/api/v1/results/series/",
    "/api/v1/results/aggregates/",
    "/api/v1/results/discrepancies/",
    "/api/v1/cases/",
    "/api/v1/cases/{case}/",
    "/api/v1/exports/results.csv",
]


@pytest.mark.parametrize("url", RESULT_URLS)
def test_anonymous_and_disabled_users_are_refused(computed, url):
    url = url.format(run=computed.run.pk, case=computed.case_kgz.pk)
    response = APIClient().get(url)
    assert response.status_code == 401
    assert _errors(response)[0]["code"] == "not_authenticated"
    # A session of a since-disabled account: the pages' own rule (can_view_published) refuses.
    client = APIClient()
    client.force_authenticate(computed.users["disabled_focal_point"])
    response = client.get(url)
    assert response.status_code == 403
    assert _errors(response)[0]["code"] == "permission_denied"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/engine-runs/?colour=red",
        "/api/v1/engine-runs/?status=exploded",
        "/api/v1/engine-runs/?page_size=1000000",
        "/api/v1/engine-runs/{run}/?colour=red",
        "/api/v1/engine-runs/{run}/?page=1",
        "/api/v1/results/series/?contry=KAZ",
        "/api/v1/results/series/?category=fine",
        "/api/v1/results/series/?source=both",
        "/api/v1/results/series/?headline=perhaps",
        "/api/v1/results/series/?page_size=1000000",
        "/api/v1/results/series/?page_size=0",
        "/api/v1/results/series/?country=KAZ%00",
        "/api/v1/results/aggregates/?group=maybe",
        "/api/v1/results/aggregates/?page_size=1000000",
        "/api/v1/results/discrepancies/?status=different",
        "/api/v1/results/discrepancies/?page=2",
        "/api/v1/cases/?status=closed",
        "/api/v1/cases/?reason=lazy",
        "/api/v1/cases/?page_size=1000000",
        "/api/v1/cases/{case}/?page=1",
        "/api/v1/exports/results.csv?round=2026",
        "/api/v1/exports/results.csv?source=both",
        "/api/v1/exports/results.csv?category=fine",
    ],
)
def test_bad_input_is_a_clear_400(computed, url):
    url = url.format(run=computed.run.pk, case=computed.case_kgz.pk)
    response = _client(computed.users["member"]).get(url)
    assert response.status_code == 400, (url, response.content)
    _errors(response)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/engine-runs/999999/",
        "/api/v1/cases/999999/",
        "/api/v1/exports/results.pdf",
        "/api/v1/exports/results.sdmx-ml",
        "/api/v1/engine-runs/?page=99",
    ],
)
def test_not_found(computed, url):
    response = _client(computed.users["member"]).get(url)
    assert response.status_code == 404
    assert _errors(response)[0]["code"] == "not_found"


def test_lists_cost_the_same_queries_for_2_or_200_rows(computed, django_assert_max_num_queries):
    client = _client(computed.users["member"])
    # token lookup, last-used update, the page (+ a count on numbered pages)
    for url in (
        "/api/v1/results/series/",
        "/api/v1/results/discrepancies/",
        "/api/v1/results/aggregates/",
        "/api/v1/cases/",
        "/api/v1/engine-runs/",
    ):
        with django_assert_max_num_queries(4):
            assert client.get(url).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(f"/api/v1/cases/{computed.case_kgz.pk}/").status_code == 200


# --- the results export -------------------------------------------------------------------


def test_results_export_has_every_current_series(computed):
    client = _client(computed.users["observer"])
    rows = _csv(client.get("/api/v1/exports/results.csv"))
    assert len(rows) == SeriesResult.objects.filter(is_current=True).count()
    first = rows[0]
    assert list(first) == [
        "country",
        "indicator",
        "source",
        "series",
        "n_obs",
        "first_year",
        "first_value",
        "latest_year",
        "latest_value",
        "baseline_value",
        "target",
        "model",
        "rate",
        "t_star",
        "category",
        "cis_rule_applied",
        "is_headline",
        "sheet_id",
        "sheet_version",
        "release_id",
        "agency",
        "run",
    ]
    kaz = next(
        r
        for r in rows
        if (r["country"], r["indicator"], r["source"], r["series"])
        == ("KAZ", "3.2.1", "national", "")
    )
    stored = SeriesResult.objects.get(
        is_current=True, country__iso3="KAZ", indicator__code="3.2.1", source="national", series=""
    )
    assert kaz["is_headline"] == "true" and kaz["category"] == stored.category
    assert float(kaz["latest_value"]) == stored.latest_value == 10.69
    assert (
        kaz["sheet_id"] == str(computed.kaz.pk) and kaz["agency"] == "" and kaz["release_id"] == ""
    )
    assert kaz["t_star"] == ("inf" if stored.t_star_never else str(stored.t_star or ""))
    assert kaz["run"] == str(computed.run.pk)
    keys = [(r["country"], r["indicator"], r["source"], r["series"]) for r in rows]
    assert keys == sorted(keys)


def test_results_export_filters(computed):
    client = _client(computed.users["observer"])
    kgz = _csv(client.get("/api/v1/exports/results.csv?country=KGZ&indicator=3.2.1"))
    assert kgz and {(r["country"], r["indicator"]) for r in kgz} == {("KGZ", "3.2.1")}
    assert _csv(client.get("/api/v1/exports/results.csv?region=LAC")) == []
    cis = _csv(client.get("/api/v1/exports/results.csv?region=CIS&source=international"))
    assert cis and {r["source"] for r in cis} == {"international"}
    assert {r["agency"] for r in cis} == {"UNICEF"}


def test_results_export_shows_never_for_a_target_out_of_reach(computed):
    SeriesResult.objects.filter(is_current=True, country__iso3="KGZ").update(
        t_star=None, t_star_never=True
    )
    rows = _csv(_client(computed.users["member"]).get("/api/v1/exports/results.csv?country=KGZ"))
    assert rows and {r["t_star"] for r in rows} == {"inf"}


def test_results_api_is_in_the_schema(computed):
    schema = _client(computed.users["member"]).get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/engine-runs/",
        "/api/v1/engine-runs/{id}/",
        "/api/v1/results/series/",
        "/api/v1/results/aggregates/",
        "/api/v1/results/discrepancies/",
        "/api/v1/cases/",
        "/api/v1/cases/{id}/",
        "/api/v1/exports/results.{fmt}",
    ):
        operation = schema["paths"][path]["get"]
        assert {"200", "400", "401", "403", "404"} <= set(operation["responses"]), path
    parameters = {
        p["name"] for p in schema["paths"]["/api/v1/results/series/"]["get"]["parameters"]
    }
    assert {"country", "indicator", "source", "category", "region", "cursor"} <= parameters
