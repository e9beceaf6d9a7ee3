"""Case statistics: time to explain or close, per country, agency and reason, and the age of
the open cases. Expected figures are worked out by hand from the cases below."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from indicators.models import DiscrepancyCase, Indicator
from indicators.reports.selectors.case_stats import case_statistics
from tests.factories import CountryFactory
from tests.indicators import conftest as shared

indicators = shared.indicators

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)

# (country, agency, status, reason, days since opened, days to close or None)
CASES = [
    ("KAZ", "UNICEF", "explained", "source", 100, 10),
    ("KAZ", "UNICEF", "resolved", "source", 100, 20),
    ("KAZ", "UNICEF", "wontfix", "source", 100, 40),
    ("KGZ", "WHO", "explained", "definition", 100, 5),
    ("KGZ", "WHO", "resolved", "definition", 100, 15),
    ("KAZ", "UNICEF", "open", "", 10, None),
    ("KAZ", "UNICEF", "open", "", 45, None),
    ("KGZ", None, "open", "", 100, None),
    ("KGZ", "WHO", "open", "", 200, None),
    ("KGZ", "WHO", "open", "", 30, None),
]


def make_cases(cast, rows, now=NOW):
    from portal.models import Agency, Country

    indicator = Indicator.objects.order_by("code").first()
    countries = {c.iso3: c for c in Country.objects.all()}
    agencies = {a.code: a for a in Agency.objects.all()}
    DiscrepancyCase.objects.bulk_create(
        DiscrepancyCase(
            country=countries[iso3],
            indicator=indicator,
            series=f"S={n}",
            agency=agencies[agency] if agency else None,
            status=status,
            reason=reason,
            kind="discrepant",
            fingerprint="x",
            opened_at=now - datetime.timedelta(days=opened),
            closed_at=(
                now - datetime.timedelta(days=opened) + datetime.timedelta(days=closed)
                if closed is not None
                else None
            ),
        )
        for n, (iso3, agency, status, reason, opened, closed) in enumerate(rows)
    )


@pytest.fixture
def cases(cast, indicators):
    make_cases(cast, CASES)
    return cast


def _by(rows, key):
    return {r.key: r for r in rows}[key]


def test_times_per_country_agency_reason_and_overall(cases):
    stats = case_statistics(scope={}, now=NOW)
    kaz, kgz = cases.country_a.pk, cases.country_b.pk
    # KAZ closed after 10, 20, 40 days: median 20, mean 70 / 3.
    row = _by(stats.by["country"], kaz)
    assert (row.n_open, row.n_closed) == (2, 3)
    assert row.median_days == pytest.approx(20)
    assert row.mean_days == pytest.approx(70 / 3)
    # KGZ closed after 5 and 15 days: median (5 + 15) / 2 = 10, mean 10.
    row = _by(stats.by["country"], kgz)
    assert (row.n_open, row.n_closed, row.median_days, row.mean_days) == (3, 2, 10, 10)
    unicef, who = cases.agency.pk, cases.other_agency.pk
    row = _by(stats.by["agency"], unicef)
    assert (row.n_open, row.n_closed, row.median_days) == (2, 3, 20)
    row = _by(stats.by["agency"], who)
    assert (row.n_open, row.n_closed, row.median_days) == (2, 2, 10)
    row = _by(stats.by["agency"], None)
    assert (row.n_open, row.n_closed, row.median_days, row.mean_days) == (1, 0, None, None)
    assert _by(stats.by["reason"], "source").median_days == 20
    assert _by(stats.by["reason"], "definition").median_days == 10
    assert (_by(stats.by["reason"], "").n_open, _by(stats.by["reason"], "").n_closed) == (5, 0)
    # Over all: 5, 10, 15, 20, 40 days: median 15, mean 90 / 5 = 18.
    total = stats.total
    assert (total.n_open, total.n_closed, total.median_days, total.mean_days) == (5, 5, 15, 18)
    # Open cases aged 10 | 30, 45 | 100 | 200 days.
    assert stats.ages == {"lt30": 1, "30to90": 2, "90to180": 1, "gt180": 1}
    assert set(stats.countries) == {kaz, kgz}
    assert set(stats.agencies) == {unicef, who}


def test_scoped_to_an_agency_or_a_country(cases):
    stats = case_statistics(scope={"agency_id": cases.agency.pk}, now=NOW)
    assert (stats.total.n_open, stats.total.n_closed, stats.total.median_days) == (2, 3, 20)
    assert [r.key for r in stats.by["country"]] == [cases.country_a.pk]
    stats = case_statistics(scope={"country_id": cases.country_b.pk}, now=NOW)
    assert (stats.total.n_open, stats.total.n_closed, stats.total.median_days) == (3, 2, 10)
    assert stats.ages == {"lt30": 0, "30to90": 1, "90to180": 1, "gt180": 1}


def test_no_cases_no_figures(cast, indicators):
    stats = case_statistics(scope={}, now=NOW)
    assert (stats.total.n_open, stats.total.n_closed) == (0, 0)
    assert stats.total.median_days is None and stats.total.mean_days is None
    assert stats.by == {"country": [], "agency": [], "reason": []}


@pytest.mark.parametrize("extra", [0, 40])
def test_statistics_cost_a_fixed_number_of_queries(cases, django_assert_num_queries, extra):
    rows = []
    for n in range(extra):
        country = CountryFactory(iso3=f"Y{n:02d}", iso2=f"{n:02d}", m49=f"8{n:02d}")
        rows += [
            (country.iso3, "UNICEF", "explained", "source", 60, n % 7 + 1),
            (country.iso3, "WHO", "open", "", n * 5, None),
            (country.iso3, None, "resolved", "error", 90, 30),
        ]
    make_cases(cases, rows)
    # 3 dimensions x (medians + counts) + overall counts and median + ages
    # + the countries and the agencies named.
    with django_assert_num_queries(11):
        stats = case_statistics(scope={}, now=NOW)
    assert stats.total.n_closed == 5 + 2 * extra


# --- the page -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("coordinator", True),
        ("focal_point", True),
        ("focal_point_b", True),
        ("agency_focal_point", True),
        ("member", False),
        ("observer", False),
    ],
)
def test_who_reads_the_statistics(client, cases, role, allowed):
    client.force_login(cases.users[role])
    response = client.get(reverse("indicators:reports:case_statistics"))
    assert response.status_code == (200 if allowed else 403)


def test_anonymous_is_sent_to_login(client, cases):
    response = client.get(reverse("indicators:reports:case_statistics"))
    assert response.status_code == 302 and "login" in response["Location"]


def _cells(html: str, table_id: str) -> list[list[str]]:
    import re

    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
        if "<td" in row
    ]


@pytest.fixture
def recent_cases(cast, indicators):
    """The CASES relative to now (the page computes ages at request time)."""
    from django.utils import timezone

    make_cases(cast, CASES, now=timezone.now())
    return cast


def test_the_coordinator_reads_every_figure(client, recent_cases):
    client.force_login(recent_cases.users["coordinator"])
    html = client.get(reverse("indicators:reports:case_statistics")).content.decode()
    assert _cells(html, "case-overall") == [["5", "5", "15", "18"]]
    assert [row[1] for row in _cells(html, "case-ages")] == ["1", "2", "1", "1"]
    assert _cells(html, "case-by-country") == [
        ["Kyrgyzstan", "3", "2", "10", "10"],
        ["Kazakhstan", "2", "3", "20", "23.3"],
    ]
    agencies = {row[0]: row[1:] for row in _cells(html, "case-by-agency")}
    assert agencies["no agency"] == ["1", "0", "–", "–"]
    reasons = {row[0]: row[1:] for row in _cells(html, "case-by-reason")}
    assert reasons["different source"] == ["0", "3", "20", "23.3"]
    assert reasons["no reason stated yet"] == ["5", "0", "–", "–"]
    assert "<svg" in html and "Open cases by age" in html
    assert "?status=open&amp;age=30to90" in html


def test_a_focal_point_reads_the_own_countrys_figures(client, recent_cases):
    client.force_login(recent_cases.users["focal_point_b"])
    html = client.get(reverse("indicators:reports:case_statistics")).content.decode()
    assert _cells(html, "case-overall") == [["3", "2", "10", "10"]]
    assert [row[0] for row in _cells(html, "case-by-country")] == ["Kyrgyzstan"]
    assert [row[0] for row in _cells(html, "case-by-agency")] == ["WHO", "no agency"]
    assert "age=gt180&amp;country=KGZ" in html


def test_the_age_links_list_the_same_cases(client, recent_cases):
    client.force_login(recent_cases.users["member"])
    url = reverse("indicators:reports:cases")
    rows = _csv(client.get(url + "?status=open&age=30to90&export=csv"))
    assert sorted(int(r["age_days"]) for r in rows) == [30, 45]
    rows = _csv(client.get(url + "?status=open&age=gt180&country=KGZ&export=csv"))
    assert [int(r["age_days"]) for r in rows] == [200]
    rows = _csv(client.get(url + "?status=open&agency=WHO&export=csv"))
    assert sorted(int(r["age_days"]) for r in rows) == [30, 200]
    # An unknown bucket, country or agency filters nothing in or out by accident.
    assert client.get(url + "?age=nonsense&country=%3Cx%3E").status_code == 200


def test_the_page_in_spanish(client, recent_cases):
    user = recent_cases.users["coordinator"]
    user.language = "es"
    user.save(update_fields=["language"])
    client.force_login(user)
    html = client.get(reverse("indicators:reports:case_statistics")).content.decode()
    assert "Estadísticas de los casos" in html
    assert ["Kazajstán", "2", "3", "20", "23,3"] in _cells(html, "case-by-country")
    assert "Open cases" not in html and "By country" not in html


def _csv(response):
    import csv
    import io

    return list(csv.DictReader(io.StringIO(response.content.decode())))
