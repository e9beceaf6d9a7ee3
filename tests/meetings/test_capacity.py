"""Training, missions, experts and grants: who may see and record them, bad input refused
whole, trainee figures never overwritten unasked, funding never summed across currencies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from meetings.capacity import selectors
from meetings.models import Biennium, ExpertProfile, Grant, Mission, TraineeCount, Training
from meetings.models.programme import Activity
from portal.models import AuditEvent
from tests.meetings.roles import ROLES, assert_members_page, login, recording_status


@pytest.fixture
def training(cast):
    return Training.objects.create(
        title="Course on SDG metadata",
        kind=Training.Kind.COURSE,
        start_date=dt.date(2026, 3, 2),
        end_date=dt.date(2026, 3, 4),
        country=cast.country_a,
    )


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
@pytest.mark.parametrize("name", ["meetings:capacity", "meetings:financing"])
def test_pages_are_for_members(client, cast, training, role, name):
    login(client, cast, role)
    response = client.get(reverse(name))
    assert_members_page(response, role)


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
@pytest.mark.parametrize("kind", ["training", "mission", "expert", "grant"])
def test_only_the_secretariat_records(client, cast, role, kind):
    login(client, cast, role)
    response = client.get(reverse("meetings:capacity_new", args=[kind]))
    expected = recording_status(role)
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_trainee_figures_only_by_the_secretariat(client, cast, training, role):
    login(client, cast, role)
    data = {"country": cast.country_a.pk, "women": 3, "men": 2}
    response = client.post(reverse("meetings:training", args=[training.pk]), data)
    stored = TraineeCount.objects.filter(training=training).count()
    if role == "coordinator":
        assert response.status_code == 302 and stored == 1
    else:
        assert response.status_code == 403 and stored == 0


@pytest.mark.parametrize(
    "url",
    ["api_v1:training_list", "api_v1:mission_list", "api_v1:expert_list", "api_v1:grant_list"],
)
def test_api_for_members_only(client, cast, training, url):
    assert client.get(reverse(url)).status_code in (401, 403)
    client.force_login(cast.users["observer"])
    response = client.get(reverse(url))
    assert response.status_code == 200
    if url == "api_v1:training_list":
        assert response.json()["results"][0]["title"] == "Course on SDG metadata"


def test_training_api_lists_trainees_by_country_and_sex(client, cast, training):
    TraineeCount.objects.create(training=training, country=cast.country_b, women=4, men=1)
    client.force_login(cast.users["member"])
    row = client.get(reverse("api_v1:training_list")).json()["results"][0]
    assert row["trainees"] == [{"country": "KGZ", "women": 4, "men": 1}]


def test_replacing_trainee_figures_asks_first(client, cast, training):
    client.force_login(cast.users["coordinator"])
    url = reverse("meetings:training", args=[training.pk])
    client.post(url, {"country": cast.country_a.pk, "women": 5, "men": 7})
    response = client.post(url, {"country": cast.country_a.pk, "women": 6, "men": 7})
    assert response.status_code == 200
    text = response.content.decode()
    assert "already has 5 women and 7 men" in text
    row = TraineeCount.objects.get(training=training, country=cast.country_a)
    assert (row.women, row.men) == (5, 7)
    client.post(url, {"country": cast.country_a.pk, "women": 6, "men": 7, "replace": "on"})
    row.refresh_from_db()
    assert (row.women, row.men) == (6, 7)
    event = AuditEvent.objects.filter(action="training.trainees").order_by("-pk").first()
    assert event is not None and event.details["previous"] == [5, 7]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("currency", "US$", "three-letter ISO 4217"),
        ("amount", "-5", "greater than or equal to 0"),
        ("end_date", "2019-01-01", "before the start date"),
        ("donor_name", "", "Name the donor"),
        ("amount", "1e400", "no more than 14 digits"),
    ],
)
def test_bad_grant_is_refused_whole(client, cast, field, value, message):
    client.force_login(cast.users["coordinator"])
    data = {
        "title": "Regional project",
        "donor_name": "A donor",
        "amount": "1000.50",
        "currency": "usd",
        "status": "pledged",
        "start_date": "2020-01-01",
        field: value,
    }
    response = client.post(reverse("meetings:capacity_new", args=["grant"]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Grant.objects.exists()


def test_grant_saved_with_currency_in_capitals(client, cast):
    client.force_login(cast.users["coordinator"])
    data = {
        "title": "Regional project",
        "donor_name": "A donor",
        "amount": "1000.50",
        "currency": "eur",
        "status": "pledged",
    }
    response = client.post(reverse("meetings:capacity_new", args=["grant"]), data)
    assert response.status_code == 302
    grant = Grant.objects.get()
    assert (grant.currency, grant.amount) == ("EUR", Decimal("1000.50"))
    assert AuditEvent.objects.filter(action="grant.create", object_id=str(grant.pk)).exists()


def test_bad_mission_dates_refused(client, cast):
    client.force_login(cast.users["coordinator"])
    sender = cast.users["focal_point"].organisation
    data = {
        "kind": "horizontal_cooperation",
        "topic": "Census processing",
        "sending": sender.pk,
        "host_country": cast.country_b.pk,
        "start_date": "2026-05-10",
        "end_date": "2026-05-01",
    }
    response = client.post(reverse("meetings:capacity_new", args=["mission"]), data)
    assert "before the start date" in response.content.decode()
    assert not Mission.objects.exists()
    data["end_date"] = "2026-05-12"
    assert client.post(reverse("meetings:capacity_new", args=["mission"]), data).status_code == 302
    assert Mission.objects.get().host_country == cast.country_b


def test_unknown_kind_is_404(client, cast):
    client.force_login(cast.users["coordinator"])
    assert client.get(reverse("meetings:capacity_new", args=["donkey"])).status_code == 404


def test_funding_totals_by_currency_and_unstated(cast):
    Grant.objects.create(title="a", donor_name="X", amount=Decimal("100.10"), currency="USD")
    Grant.objects.create(
        title="b", donor_name="X", amount=Decimal("50"), currency="USD", status="disbursed"
    )
    Grant.objects.create(title="c", donor_name="Y", amount=Decimal("70"), currency="EUR")
    Grant.objects.create(title="d", donor_name="Z", amount=None)
    totals = selectors.funding_totals(list(Grant.objects.all()))
    assert totals.by_currency["USD"] == {
        "pledged": Decimal("100.10"),
        "disbursed": Decimal("50"),
        "total": Decimal("150.10"),
    }
    assert totals.by_currency["EUR"]["total"] == Decimal("70")
    assert totals.unstated == 1


def test_expert_filter_by_topic(client, cast):
    org = cast.users["focal_point"].organisation
    ExpertProfile.objects.create(name="Ana Pérez", organisation=org, topics="census, migration")
    ExpertProfile.objects.create(
        name="Ivan Petrov", organisation=org, topics="poverty", available=False
    )
    client.force_login(cast.users["member"])
    text = client.get(reverse("meetings:capacity"), {"topic": "migr"}).content.decode()
    assert "Ana Pérez" in text and "Ivan Petrov" not in text
    text = client.get(reverse("meetings:capacity"), {"available": "1"}).content.decode()
    assert "Ana Pérez" in text and "Ivan Petrov" not in text


def test_biennium_report_funding_for_members_only(client, cast):
    biennium = Biennium.objects.create(title="B", start_year=2012, end_year=2013)
    activity = Activity.objects.create(biennium=biennium, code="2(c)", title="Missions")
    grant = Grant.objects.create(
        title="Development Account project", donor_name="UNDA", amount=None
    )
    grant.activities.add(activity)
    url = reverse("meetings:biennium_report", args=[biennium.pk])
    assert "Development Account project" not in client.get(url).content.decode()
    client.force_login(cast.users["observer"])
    text = client.get(url).content.decode()
    assert "Development Account project" in text and "not stated" in text


def test_spanish_financing_page(client, cast):
    Grant.objects.create(title="P", donor_name="X", amount=Decimal("1234567.5"), currency="USD")
    member = cast.users["member"]
    member.language = "es"
    member.save(update_fields=["language"])
    client.force_login(member)
    text = client.get(reverse("meetings:financing")).content.decode()
    assert "Financiación" in text and "Donante" in text
    assert "1\xa0234\xa0567,50" in text  # Spanish groups thousands with a (no-break) space


def test_training_with_trainers_and_evaluation(client, cast):
    client.force_login(cast.users["coordinator"])
    data = {
        "title": "Census workshop",
        "kind": "workshop",
        "start_date": "2026-04-01",
        "trainers": "Ana Pérez\n\nJuan Soto\n",
        "evaluation_responses": "18",
        "evaluation_score": "4.35",
    }
    response = client.post(reverse("meetings:capacity_new", args=["training"]), data)
    training = Training.objects.get()
    assert response.status_code == 302
    assert [t.name for t in training.trainers.order_by("pk")] == ["Ana Pérez", "Juan Soto"]
    assert training.evaluation.average_score == Decimal("4.35")
    # the edit form shows the current trainers in full before anything is replaced
    page = client.get(reverse("meetings:capacity_edit", args=["training", training.pk]))
    assert "Ana Pérez\nJuan Soto" in page.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"evaluation_score": "6"}, "less than or equal to 5"),
        ({"evaluation_responses": ""}, "needs both the number of responses"),
        ({"trainers": "x" * 201}, "Line 1: a name has at most 200 characters"),
        ({"materials_url": "javascript:alert(1)"}, "Enter a valid URL"),
    ],
)
def test_bad_training_refused_whole(client, cast, changes, message):
    client.force_login(cast.users["coordinator"])
    data = {
        "title": "Census workshop",
        "kind": "workshop",
        "start_date": "2026-04-01",
        "trainers": "Ana Pérez",
        "evaluation_responses": "18",
        "evaluation_score": "4.35",
        **changes,
    }
    response = client.post(reverse("meetings:capacity_new", args=["training"]), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Training.objects.exists()
