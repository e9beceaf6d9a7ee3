"""The completeness and timeliness dashboard of a round."""

import csv
import datetime
import io

from django.urls import reverse
from django.utils import timezone

from indicators.models import DataSheet, Indicator, ReportingRound
from portal.models import Country
from portal.secretariat import selectors
from portal.secretariat.models import RoundIndicator
from tests.secretariat.conftest import make_sheet


def _deadline_passed_round(codes):
    round_ = ReportingRound.objects.create(
        code="R25",
        name_en="2025 round",
        name_es="Ronda 2025",
        opens_on=datetime.date(2025, 1, 1),
        closes_on=datetime.date(2025, 3, 31),
    )
    RoundIndicator.objects.bulk_create(
        RoundIndicator(round=round_, indicator=indicator)
        for indicator in Indicator.objects.filter(code__in=codes)
    )
    return round_


def test_status_lateness_coverage_and_sources(members, indicators):
    round_ = _deadline_passed_round(["3.2.1", "3.1.1", "1.1.1", "6.1.1"])
    submitted = datetime.datetime(2025, 4, 10, 12, tzinfo=datetime.UTC)
    make_sheet(
        members.country_a,
        round_,
        DataSheet.Status.SUBMITTED,
        submitted_at=submitted,
        codes=["3.2.1", "3.1.1", "8.5.2"],
        sources=["3.2.1"],
    )
    rows = {
        row.country.iso3: row
        for row in selectors.round_completeness(round_=round_, today=datetime.date(2025, 4, 20))
    }
    a, b = rows["KAZ"], rows["KGZ"]
    assert a.status == "submitted" and a.days_late == 10
    assert a.requested == 4 and a.covered == 2 and a.covered_share == 0.5
    assert a.values == 3 and a.with_source == 1
    assert b.status == selectors.NOT_STARTED and b.days_late == 20 and b.covered == 0
    assert b.source_share is None


def test_accepted_sheet_counts_over_a_correction_in_draft(members, indicators, round_2026):
    on_time = datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    accepted = make_sheet(
        members.country_a,
        round_2026,
        DataSheet.Status.ACCEPTED,
        submitted_at=on_time,
        codes=["3.2.1"],
    )
    DataSheet.objects.create(country=members.country_a, round=round_2026, version=2, status="draft")
    row = next(
        r
        for r in selectors.round_completeness(round_=round_2026, today=datetime.date(2026, 6, 1))
        if r.country.iso3 == "KAZ"
    )
    assert row.sheet == accepted and row.status == "accepted" and row.days_late == 0
    # Every indicator is asked for when the round names none.
    assert row.requested == Indicator.objects.count() and row.covered == 1


def test_page_and_csv(client, members, indicators):
    round_ = _deadline_passed_round(["3.2.1"])
    make_sheet(
        members.country_b, round_, DataSheet.Status.RETURNED, codes=["3.2.1"], sources=["3.2.1"]
    )
    client.force_login(members.users["coordinator"])
    url = reverse("secretariat:completeness", args=[round_.pk])
    body = client.get(url).content.decode()
    assert "Kyrgyzstan" in body and "returned" in body and "not started" in body
    response = client.get(url + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_iso = {row["iso3"]: row for row in rows}
    assert by_iso["KGZ"]["status"] == "returned"
    assert by_iso["KGZ"]["share_covered"] == "1.000"
    assert by_iso["KGZ"]["share_with_source"] == "1.000"
    assert by_iso["KAZ"]["status"] == "not_started"
    assert int(by_iso["KAZ"]["days_late"]) > 0


def test_spanish_page(client, members, indicators):
    round_ = _deadline_passed_round(["3.2.1"])
    coordinator = members.users["coordinator"]
    coordinator.language = "es"
    coordinator.save(update_fields=["language"])
    client.force_login(coordinator)
    body = client.get(reverse("secretariat:completeness", args=[round_.pk])).content.decode()
    assert "Kirguistán" in body and "Días de retraso" in body and "sin empezar" in body


def test_query_count_does_not_grow_with_200_countries(
    client, members, indicators, django_assert_max_num_queries
):
    round_ = _deadline_passed_round(["3.2.1", "3.1.1"])
    digits = "0123456789ABCDEFGHIJ"
    for n in range(200):
        code = digits[n // 20] + digits[n % 20]
        country = Country.objects.create(
            iso3=f"Z{code}", iso2=code, m49=f"{n:03d}", name_en=f"Land {code}", is_member=True
        )
        status = [
            DataSheet.Status.DRAFT,
            DataSheet.Status.SUBMITTED,
            DataSheet.Status.ACCEPTED,
            None,
        ][n % 4]
        if status:
            make_sheet(country, round_, status, submitted_at=timezone.now(), codes=["3.2.1"])
    assert Country.objects.filter(is_member=True).count() == 202
    client.force_login(members.users["coordinator"])
    url = reverse("secretariat:completeness", args=[round_.pk])
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<tr data-iso3=") == 202
    with django_assert_max_num_queries(15):
        assert client.get(url + "?format=csv").status_code == 200


def test_dashboard_tells_the_coordinator_who_is_late(client, members, indicators):
    round_ = _deadline_passed_round(["3.2.1"])
    make_sheet(members.country_a, round_, DataSheet.Status.SUBMITTED, submitted_at=timezone.now())
    client.force_login(members.users["coordinator"])
    body = client.get("/").content.decode()
    assert "2025 round: 1 member country has not submitted" in body
    assert reverse("secretariat:completeness", args=[round_.pk]) in body
    client.force_login(members.users["focal_point_b"])
    assert "not submitted" not in client.get("/").content.decode()
    make_sheet(members.country_b, round_, DataSheet.Status.ACCEPTED, submitted_at=timezone.now())
    client.force_login(members.users["coordinator"])
    assert "not submitted" not in client.get("/").content.decode()


def test_dashboard_item_in_spanish(client, members, indicators):
    _deadline_passed_round(["3.2.1"])
    coordinator = members.users["coordinator"]
    coordinator.language = "es"
    coordinator.save(update_fields=["language"])
    client.force_login(coordinator)
    body = client.get("/").content.decode()
    assert "Ronda 2025: 2 países miembros no han presentado su hoja" in body
    assert "La fecha límite era el" in body
