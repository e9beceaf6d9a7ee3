"""Opening and closing rounds, and the reminders the beat task sends."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.models import DataSheet, Indicator, ReportingRound
from portal.models import AuditEvent, User
from portal.secretariat import services
from portal.secretariat.models import RoundIndicator, RoundReminder
from portal.secretariat.tasks import send_round_reminders
from tests.factories import UserFactory
from tests.secretariat.conftest import make_sheet


def test_open_a_round_with_deadline_and_indicators(client, cast, indicators):
    client.force_login(cast.users["coordinator"])
    wanted = Indicator.objects.filter(code__in=["3.2.1", "1.1.1"]).order_by("code")
    assert wanted.count() >= 1
    response = client.post(
        reverse("secretariat:rounds"),
        {
            "code": "2027",
            "name_en": "2027 round",
            "name_es": "Ronda 2027",
            "opens_on": "2027-01-15",
            "closes_on": "2027-04-30",
            "indicators": [indicator.pk for indicator in wanted],
        },
    )
    assert response.status_code == 302
    round_ = ReportingRound.objects.get(code="2027")
    assert round_.is_open and round_.closes_on == datetime.date(2027, 4, 30)
    assert set(RoundIndicator.objects.filter(round=round_).values_list("indicator", flat=True)) == {
        indicator.pk for indicator in wanted
    }
    event = AuditEvent.objects.get(action="round.open")
    assert event.details["closes_on"] == "2027-04-30"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"closes_on": datetime.date(2026, 12, 31)}, "closes_on"),
        ({"code": "2026"}, "code"),
        ({"code": " "}, "code"),
        ({"name_en": ""}, "name_en"),
    ],
)
def test_bad_rounds_are_refused_with_the_field(cast, round_2026, values, field):
    arguments = {
        "actor": cast.users["coordinator"],
        "code": "2027",
        "name_en": "2027 round",
        "name_es": "",
        "opens_on": datetime.date(2027, 1, 1),
        "closes_on": datetime.date(2027, 3, 1),
    }
    arguments.update(values)
    with pytest.raises(ValidationError) as error:
        services.round_open(**arguments)
    assert field in error.value.message_dict
    assert ReportingRound.objects.count() == 1


def test_round_form_shows_the_error(client, cast):
    client.force_login(cast.users["coordinator"])
    response = client.post(
        reverse("secretariat:rounds"),
        {"code": "X", "name_en": "X", "opens_on": "2027-05-01", "closes_on": "2027-01-01"},
    )
    assert response.status_code == 400
    assert "is before the opening" in response.content.decode()
    assert not ReportingRound.objects.exists()


def test_close_and_reopen_a_round(client, cast, round_2026):
    client.force_login(cast.users["coordinator"])
    client.post(reverse("secretariat:round_toggle", args=[round_2026.pk]), {"open": "0"})
    round_2026.refresh_from_db()
    assert not round_2026.is_open
    assert AuditEvent.objects.filter(action="round.close").count() == 1
    client.post(reverse("secretariat:round_toggle", args=[round_2026.pk]), {"open": "0"})
    assert AuditEvent.objects.filter(action="round.close").count() == 1  # nothing changed
    client.post(reverse("secretariat:round_toggle", args=[round_2026.pk]), {"open": "1"})
    round_2026.refresh_from_db()
    assert round_2026.is_open


# --- reminders ------------------------------------------------------------------------------


def _run(today: datetime.date) -> int:
    """The beat task, on a given day (the task itself uses today's date)."""
    return services.round_reminders_send(today=today)


def test_reminder_in_the_week_before_the_deadline_once(members, round_due):
    assert _run(datetime.date(2027, 3, 20)) == 0  # eleven days before: not yet
    sent = _run(datetime.date(2027, 3, 25))
    # A focal point in each member country; the disabled one and the member get nothing.
    assert sent == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "fp.a@example.org",
        "fp.b@example.org",
    ]
    assert "March 31, 2027" in mail.outbox[0].subject
    assert _run(datetime.date(2027, 3, 26)) == 0  # once before the deadline
    assert RoundReminder.objects.filter(kind="before").count() == 2


def test_late_reminders_weekly_and_only_to_countries_owing(members, round_due):
    make_sheet(members.country_a, round_due, DataSheet.Status.SUBMITTED)
    assert _run(datetime.date(2027, 4, 2)) == 1
    assert mail.outbox[0].to == ["fp.b@example.org"]
    assert "Late" in mail.outbox[0].subject
    assert _run(datetime.date(2027, 4, 5)) == 0  # not again within the week
    assert _run(datetime.date(2027, 4, 9)) == 1


def test_reminders_in_the_recipients_language(members, round_due):
    User.objects.filter(email="fp.b@example.org").update(language="es")
    _run(datetime.date(2027, 4, 2))
    spanish = next(message for message in mail.outbox if message.to == ["fp.b@example.org"])
    assert "Ronda 2027" in spanish.subject and "Kirguistán" in spanish.subject


def test_no_reminders_for_closed_rounds_drafts_count_as_owing(members, round_due):
    make_sheet(members.country_a, round_due, DataSheet.Status.DRAFT)
    make_sheet(members.country_b, round_due, DataSheet.Status.RETURNED)
    assert _run(datetime.date(2027, 4, 2)) == 2
    round_due.is_open = False
    round_due.save()
    assert _run(datetime.date(2027, 4, 20)) == 0


def test_the_beat_task_runs_the_service(members, db):
    from django.utils import timezone

    today = timezone.localdate()
    ReportingRound.objects.create(
        code="NOW",
        name_en="Now",
        name_es="Ahora",
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=3),
    )
    UserFactory(
        email="fp2.a@example.org",
        role="country_focal_point",
        organisation=members.users["focal_point"].organisation,
    )
    assert send_round_reminders() == 3
    assert send_round_reminders() == 0


def test_move_the_deadline(client, cast, round_2026):
    client.force_login(cast.users["coordinator"])
    url = reverse("secretariat:round_deadline", args=[round_2026.pk])
    page = client.get(reverse("secretariat:completeness", args=[round_2026.pk])).content.decode()
    assert 'value="2026-12-15"' in page
    response = client.post(url, {"closes_on": "2027-01-31"}, follow=True)
    assert "The deadline of 2026 is now Jan. 31, 2027." in response.content.decode()
    round_2026.refresh_from_db()
    assert round_2026.closes_on == datetime.date(2027, 1, 31)
    event = AuditEvent.objects.get(action="round.deadline")
    assert event.details == {"old": "2026-12-15", "new": "2027-01-31"}


@pytest.mark.parametrize(
    ("value", "message"),
    [("2026-01-01", "is before the opening"), ("", "required"), ("31.02.2027", "valid date")],
)
def test_bad_deadlines_are_refused_with_the_reason(client, cast, round_2026, value, message):
    client.force_login(cast.users["coordinator"])
    response = client.post(
        reverse("secretariat:round_deadline", args=[round_2026.pk]),
        {"closes_on": value},
        follow=True,
    )
    assert message in response.content.decode()
    round_2026.refresh_from_db()
    assert round_2026.closes_on == datetime.date(2026, 12, 15)
    assert not AuditEvent.objects.filter(action="round.deadline").exists()
