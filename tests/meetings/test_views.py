"""Pages: calendar, meeting, participants, documents, outcomes, statistics, programme."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from openpyxl import load_workbook

from meetings.models import Meeting, Participant

from .conftest import PDF
from .factories import (
    ActionFactory,
    ActivityFactory,
    MeetingFactory,
    ParticipantFactory,
    PartnerFactory,
)


def test_anonymous_sees_public_meetings_only(client, cast, upcoming):
    MeetingFactory(title="Public seminar", visibility="public")
    body = client.get(reverse("meetings:index")).content.decode()
    assert "Public seminar" in body and "Upcoming workshop" not in body


def test_members_meeting_asks_anonymous_to_log_in(client, cast, upcoming):
    response = client.get(reverse("meetings:detail", args=[upcoming.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_restricted_meeting_is_404_for_others(client, cast, upcoming):
    upcoming.visibility = "restricted"
    upcoming.save()
    client.force_login(cast.users["focal_point_b"])
    assert client.get(reverse("meetings:detail", args=[upcoming.pk])).status_code == 404
    assert client.get(reverse("meetings:ics", args=[upcoming.pk])).status_code == 404
    client.force_login(cast.users["member"])
    assert client.get(reverse("meetings:detail", args=[upcoming.pk])).status_code == 200


def test_ical_of_a_restricted_meeting_is_refused_to_anonymous(client, cast, upcoming):
    upcoming.visibility = "restricted"
    upcoming.save()
    assert client.get(reverse("meetings:ics", args=[upcoming.pk])).status_code == 404
    feed = client.get(reverse("meetings:feed")).content.decode()
    assert "Upcoming workshop" not in feed


def test_calendar_filters(client, cast):
    MeetingFactory(
        title="Gender meeting", thematic_focus="Gender", kind="seminar", country=cast.country_b
    )
    MeetingFactory(
        title="Migration meeting",
        thematic_focus="Migration",
        kind="workshop",
        country=cast.country_a,
    )
    url = reverse("meetings:index")
    assert "Migration meeting" not in client.get(url, {"theme": "Gender"}).content.decode()
    assert "Gender meeting" not in client.get(url, {"kind": "workshop"}).content.decode()
    body = client.get(url, {"country": "KGZ"}).content.decode()
    assert "Gender meeting" in body and "Migration meeting" not in body


def _many_meetings(cast, n):
    for i in range(n):
        meeting = MeetingFactory(title=f"M{i}", visibility="members" if i % 2 else "public")
        PartnerFactory(meeting=meeting, country=cast.country_a)
        PartnerFactory(meeting=meeting, role="funder", name="IDB")
        ParticipantFactory(
            meeting=meeting, user=None, full_name="X", organisation=None, country=None
        )


@pytest.mark.parametrize("n", [2, 50])
def test_calendar_queries_are_constant(client, cast, django_assert_num_queries, n):
    _many_meetings(cast, n)
    client.force_login(cast.users["member"])
    # session, user, the meetings, their partners, the filter choices (themes, countries x2)
    with django_assert_num_queries(9):
        response = client.get(reverse("meetings:index"))
    assert response.status_code == 200
    assert response.content.decode().count('class="when"') == n


@pytest.mark.parametrize("n", [2, 50])
def test_participant_list_queries_are_constant(client, cast, django_assert_num_queries, n):
    meeting = MeetingFactory()
    PartnerFactory(meeting=meeting, country=cast.country_a)
    for _ in range(n):
        ParticipantFactory(
            meeting=meeting,
            user=None,
            full_name="P",
            organisation=cast.users["member"].organisation,
        )
    client.force_login(cast.users["focal_point"])
    with django_assert_num_queries(9):
        response = client.get(reverse("meetings:participants", args=[meeting.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('name="attendance-') == n


def test_register_and_duplicate_message(client, cast, upcoming):
    client.force_login(cast.users["member"])
    url = reverse("meetings:register", args=[upcoming.pk])
    client.post(url, {"sex": "male", "consent": "on"})
    response = client.post(url, {"sex": "male"}, follow=True)
    assert "already registered" in response.content.decode()
    assert upcoming.participants.count() == 1


def test_participation_warning_when_list_and_counts_disagree(client, cast):
    meeting = MeetingFactory(reported_total=47, reported_female=21)
    ParticipantFactory(meeting=meeting, sex="female")
    ParticipantFactory(meeting=meeting, sex="male")
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "47/21" in body and "disagree" in body


def test_counts_only_meeting_shows_47_21_without_warning(client, cast):
    meeting = MeetingFactory(reported_total=47, reported_female=21)
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "47/21" in body and "disagree" not in body


def test_meeting_form_errors_name_the_field(client, cast):
    client.force_login(cast.users["coordinator"])
    response = client.post(
        reverse("meetings:create"),
        {
            "title": "Bad",
            "kind": "workshop",
            "mode": "in_person",
            "city": "Almaty",
            "start_date": "2013-11-01",
            "end_date": "2013-10-01",
            "time_zone": "Asia/Almaty",
            "status": "planned",
            "visibility": "public",
            "reported_total": "10",
            "reported_female": "11",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "End date: the meeting cannot end" in body
    assert not Meeting.objects.exists()


def test_meeting_form_female_above_total(client, cast):
    client.force_login(cast.users["coordinator"])
    response = client.post(
        reverse("meetings:create"),
        {
            "title": "Bad",
            "kind": "workshop",
            "mode": "in_person",
            "city": "Almaty",
            "start_date": "2013-10-31",
            "end_date": "2013-11-01",
            "time_zone": "Asia/Almaty",
            "status": "held",
            "visibility": "public",
            "reported_total": "47",
            "reported_female": "48",
        },
    )
    assert response.status_code == 400
    assert "Female participants: 48 is more than the total of 47" in response.content.decode()


def test_meeting_form_creates(client, cast):
    client.force_login(cast.users["coordinator"])
    response = client.post(
        reverse("meetings:create"),
        {
            "title": "Good",
            "kind": "workshop",
            "mode": "hybrid",
            "online_url": "https://meet.example.org/x",
            "city": "Almaty",
            "start_date": "2013-10-31",
            "end_date": "2013-11-01",
            "time_zone": "Asia/Almaty",
            "status": "held",
            "visibility": "public",
            "organiser_countries": [cast.country_a.pk],
            "organiser_agencies": [cast.agency.pk],
            "funders": "EFTA\nIOM",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get()
    assert meeting.partners.count() == 4


def test_forbidden_pages(client, cast, upcoming):
    client.force_login(cast.users["member"])
    assert client.get(reverse("meetings:create")).status_code == 403
    assert client.get(reverse("meetings:participants", args=[upcoming.pk])).status_code == 403
    assert client.get(reverse("meetings:document_upload", args=[upcoming.pk])).status_code == 403


def _upload(client, meeting, name, content, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "title": "Conclusions",
        "kind": "conclusions",
        "language": "en",
        "visibility": "members",
        "file": SimpleUploadedFile(name, content),
        **extra,
    }
    return client.post(reverse("meetings:document_upload", args=[meeting.pk]), data)


def test_upload_page_refuses_disguised_file_with_field_message(client, cast, upcoming):
    client.force_login(cast.users["focal_point"])
    response = _upload(client, upcoming, "conclusions.pdf", b"<html><script>x</script></html>")
    assert response.status_code == 400
    assert "File: the content of conclusions.pdf is not a .pdf file" in response.content.decode()


def test_upload_page_refuses_oversized(client, cast, upcoming, settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = 100
    client.force_login(cast.users["focal_point"])
    response = _upload(client, upcoming, "c.pdf", PDF * 10)
    assert response.status_code == 400 and "the limit is" in response.content.decode()


def test_download_is_an_attachment_only_for_those_who_may_see_it(client, cast, upcoming):
    client.force_login(cast.users["focal_point"])
    assert _upload(client, upcoming, "Conclusiones finales.pdf", PDF).status_code == 302
    assert _upload(client, upcoming, "v2.pdf", PDF + b"%v2").status_code == 302
    versions = list(upcoming.documents.get().versions.order_by("number"))
    url = reverse("meetings:document_download", args=[versions[0].pk])
    client.force_login(cast.users["observer"])  # a member: members' documents of a members' meeting
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="Conclusiones_finales.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    client.logout()
    assert client.get(url).status_code == 302
    upcoming.visibility = "restricted"
    upcoming.save()
    client.force_login(cast.users["focal_point_b"])
    assert client.get(url).status_code == 404


def test_outcomes_and_open_actions_overdue(client, cast, upcoming):
    client.force_login(cast.users["focal_point"])
    owner = cast.users["focal_point_b"].organisation
    response = client.post(
        reverse("meetings:outcomes", args=[upcoming.pk]),
        {
            "action": "action",
            "a-description": "Send metadata",
            "a-owner": owner.pk,
            "a-due_date": upcoming.start_date.isoformat(),
            "a-status": "open",
        },
    )
    assert response.status_code == 302
    past = MeetingFactory(title="Old")
    ActionFactory(
        meeting=past, owner=owner, description="Late action", due_date=dt.date(2014, 1, 1)
    )
    client.force_login(cast.users["focal_point_b"])
    body = client.get(reverse("meetings:actions")).content.decode()
    assert "Send metadata" in body and "Late action" in body
    assert body.count('class="overdue"') == 1


def test_attention_items(cast, upcoming):
    from meetings.selectors import attention_items

    member = cast.users["member"]
    Participant.objects.create(meeting=upcoming, user=member, full_name="M", sex="male")
    ActionFactory(
        meeting=upcoming,
        owner=member.organisation,
        due_date=timezone.localdate() - dt.timedelta(days=1),
    )
    ActionFactory(
        meeting=upcoming,
        owner=member.organisation,
        due_date=timezone.localdate() + dt.timedelta(days=200),
    )
    items = attention_items(user=member)
    assert [i.level for i in items] == ["info", "warning"]
    assert "Upcoming workshop" in items[0].title


def test_dashboard_shows_attention(client, cast, upcoming):
    member = cast.users["member"]
    Participant.objects.create(meeting=upcoming, user=member, full_name="M", sex="male")
    client.force_login(member)
    assert "Upcoming workshop" in client.get("/").content.decode()


def _stats_fixture(cast):
    MeetingFactory(title="Almaty", reported_total=47, reported_female=21, kind="workshop")
    listed = MeetingFactory(
        title="Lima",
        start_date=dt.date(2010, 4, 27),
        end_date=dt.date(2010, 4, 29),
        kind="thematic_session",
    )
    ParticipantFactory(meeting=listed, sex="female", user=cast.users["member"])
    ParticipantFactory(meeting=listed, sex="male", user=cast.users["focal_point_b"])
    ParticipantFactory(
        meeting=listed, sex="male", user=cast.users["focal_point"], attendance="absent"
    )


def test_statistics_page_and_exports(client, cast):
    _stats_fixture(cast)
    body = client.get(reverse("meetings:statistics")).content.decode()
    assert "2 meetings held, 49 participants, 22 female." in body
    assert "<svg" in body
    csv_text = client.get(reverse("meetings:statistics_csv")).content.decode()
    lines = csv_text.strip().splitlines()
    assert lines[0] == "year,meeting type,country,sex,participants"
    assert "2013,workshop,not recorded,female,21" in lines
    assert "2013,workshop,not recorded,male or not stated,26" in lines
    assert "2010,thematic session,Kazakhstan,female,1" in lines
    wb = load_workbook(io.BytesIO(client.get(reverse("meetings:statistics_xlsx")).content))
    rows = list(wb["By year"].iter_rows(values_only=True))
    assert rows[1:] == [("2010", 1, 2, 1, 50.0), ("2013", 1, 47, 21, 44.7)]


def test_programme_timeline_and_report(client, cast):
    activity = ActivityFactory(code="2(b)", title="Regional workshop", status="done")
    ActivityFactory(
        biennium=activity.biennium,
        objective=activity.objective,
        code="2(c)",
        title="Missions",
        end_date=None,
    )
    meeting = MeetingFactory(title="Almaty workshop")
    meeting.activities.add(activity)
    from meetings.models import Document

    Document.objects.create(
        meeting=meeting, title="Workshop conclusions", kind="conclusions", visibility="public"
    )
    body = client.get(reverse("meetings:biennium", args=[activity.biennium_id])).content.decode()
    assert "<svg" in body and "bar-done" in body and "bar-open" in body
    report = client.get(
        reverse("meetings:biennium_report", args=[activity.biennium_id])
    ).content.decode()
    assert "Almaty workshop" in report and "Workshop conclusions" in report
    assert "What remains" in report and "2(c)" in report
    wb = load_workbook(
        io.BytesIO(
            client.get(reverse("meetings:biennium_xlsx", args=[activity.biennium_id])).content
        )
    )
    values = [
        row
        for row in wb.active.iter_rows(values_only=True)
        if row and row[1] and "2(b)" in str(row[1])
    ]
    assert "Almaty workshop" in values[0][7]


def test_meeting_page_in_spanish(client, cast, upcoming):
    member = cast.users["member"]
    member.language = "es"
    member.save()
    client.force_login(member)
    body = client.get(reverse("meetings:detail", args=[upcoming.pk])).content.decode()
    assert "Participación" in body and "Registrarse para esta reunión" in body
    # Spanish long dates: "6 de diciembre de 2026", not the English order of "6 diciembre 2026"
    with translation.override("es"):
        start = date_format(upcoming.start_date, "DATE_FORMAT")
    assert start.endswith(f" de {upcoming.start_date.year}") and f"{start} – " in body
    body = client.get(reverse("meetings:index")).content.decode()
    assert "Próximas reuniones" in body
