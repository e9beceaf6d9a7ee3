"""Services, and bad input: each refused with a message naming the field, nothing half-stored."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from meetings import services
from meetings.models import Document, DocumentVersion, Meeting, Participant
from portal.uploads import ascii_filename as safe_file_name

from .conftest import PDF
from .factories import MeetingFactory


def _meeting(**overrides):
    fields = {
        "title": "W",
        "kind": "workshop",
        "city": "Almaty",
        "start_date": dt.date(2013, 10, 31),
        "end_date": dt.date(2013, 11, 1),
        "time_zone": "Asia/Almaty",
    }
    return Meeting(**{**fields, **overrides})


def test_meeting_save_with_partners(cast):
    meeting = services.meeting_save(
        meeting=_meeting(),
        by=cast.users["coordinator"],
        organisers=[
            {"role": "organiser", "country": cast.country_a},
            {"role": "funder", "name": "EFTA"},
        ],
    )
    assert {p.label for p in meeting.partners.all()} == {"Kazakhstan", "EFTA"}


def test_only_the_coordinator_creates_meetings(cast):
    with pytest.raises(PermissionDenied):
        services.meeting_save(meeting=_meeting(), by=cast.users["focal_point"])
    assert not Meeting.objects.exists()


def test_end_before_start_is_refused(cast):
    with pytest.raises(ValidationError) as info:
        services.meeting_save(
            meeting=_meeting(end_date=dt.date(2013, 10, 1)), by=cast.users["coordinator"]
        )
    assert "End date" in info.value.message_dict["end_date"][0]
    assert not Meeting.objects.exists()


def test_female_above_total_is_refused(cast):
    with pytest.raises(ValidationError) as info:
        services.meeting_save(
            meeting=_meeting(reported_total=47, reported_female=48), by=cast.users["coordinator"]
        )
    assert (
        "Female participants: 48 is more than the total of 47"
        in info.value.message_dict["reported_female"][0]
    )


def test_online_meeting_needs_its_link(cast):
    with pytest.raises(ValidationError) as info:
        services.meeting_save(
            meeting=_meeting(mode="online", city=""), by=cast.users["coordinator"]
        )
    assert "online_url" in info.value.message_dict


@pytest.mark.parametrize(
    "fields,name",
    [
        (
            {"start_date": dt.date(2013, 11, 2), "end_date": dt.date(2013, 11, 1)},
            "meeting_end_after_start",
        ),
        ({"reported_total": 47, "reported_female": 48}, "meeting_female_not_above_total"),
    ],
)
def test_database_constraints_hold_without_the_service(db, fields, name):
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(**fields)


def test_registration_twice_is_refused(cast, upcoming):
    member = cast.users["member"]
    services.participant_register(meeting=upcoming, user=member, sex="male", consent=True)
    with pytest.raises(ValidationError) as info:
        services.participant_register(meeting=upcoming, user=member, sex="male", consent=True)
    assert "already registered" in info.value.message_dict["user"][0]
    assert upcoming.participants.count() == 1


def test_registration_unique_in_the_database(cast, upcoming):
    member = cast.users["member"]
    Participant.objects.create(meeting=upcoming, user=member, full_name="A", sex="male")
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(meeting=upcoming, user=member, full_name="A", sex="male")


def test_observer_cannot_register(cast, upcoming):
    with pytest.raises(PermissionDenied):
        services.participant_register(
            meeting=upcoming, user=cast.users["observer"], sex="female", consent=False
        )


def test_organiser_adds_participant_and_marks_attendance(cast, upcoming):
    fp = cast.users["focal_point"]
    person = services.participant_add(
        meeting=upcoming,
        by=fp,
        participant=Participant(full_name="Guest", organisation_name="EFTA", sex="female"),
    )
    assert services.attendance_mark(meeting=upcoming, by=fp, marks={person.pk: "excused"}) == 1
    person.refresh_from_db()
    assert person.attendance == "excused"
    with pytest.raises(PermissionDenied):
        services.attendance_mark(
            meeting=upcoming, by=cast.users["focal_point_b"], marks={person.pk: "attended"}
        )
    with pytest.raises(ValidationError):
        services.attendance_mark(meeting=upcoming, by=fp, marks={person.pk: "asleep"})


def test_counts_female_above_total(cast, upcoming):
    with pytest.raises(ValidationError) as info:
        services.meeting_counts_set(
            meeting=upcoming, by=cast.users["coordinator"], total=10, female=11
        )
    assert "reported_female" in info.value.message_dict
    upcoming.refresh_from_db()
    assert upcoming.reported_total is None


def _upload(name, content):
    return SimpleUploadedFile(name, content)


def _document(cast, meeting, upload, title="Conclusions"):
    return services.document_upload(
        meeting=meeting,
        by=cast.users["focal_point"],
        upload=upload,
        title=title,
        kind="conclusions",
        language="en",
        visibility="members",
    )


def test_upload_versions(cast, upcoming):
    first = _document(cast, upcoming, _upload("concl.pdf", PDF))
    second = _document(cast, upcoming, _upload("concl-v2.pdf", PDF + b"%more"))
    assert (first.number, second.number) == (1, 2)
    assert Document.objects.count() == 1 and DocumentVersion.objects.count() == 2
    assert first.content_type == "application/pdf"


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "not accepted"),
        ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not accepted"),
        ("tool.exe", b"MZ\x90\x00", "not accepted"),
        ("report.pdf", b"<html><body>not a pdf</body></html>", "disguised"),
        ("notes.txt", b"<!DOCTYPE html><html></html>", "disguised"),
        ("slides.pptx", b"MZ\x90\x00this is a program", "disguised"),
        ("data.csv", b"", "empty"),
    ],
)
def test_bad_documents_are_refused(cast, upcoming, name, content, reason):
    with pytest.raises(ValidationError) as info:
        _document(cast, upcoming, _upload(name, content))
    message = info.value.message_dict["file"][0]
    assert message.startswith("File:") and reason in message
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()


def test_oversized_document_is_refused(cast, upcoming, settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as info:
        _document(cast, upcoming, _upload("big.pdf", PDF + b"0" * 2048))
    assert "the limit is" in info.value.message_dict["file"][0]
    assert not Document.objects.exists()


def test_accepted_office_and_text_files(cast, upcoming):
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    version = _document(cast, upcoming, _upload("table.xlsx", buffer.getvalue()), title="Table")
    assert version.content_type.endswith("spreadsheetml.sheet")
    version = _document(
        cast, upcoming, _upload("list.csv", "país,total\nKazajstán,47\n".encode()), title="List"
    )
    assert version.content_type == "text/csv"
    with pytest.raises(ValidationError):  # an Excel workbook renamed as a Word document
        _document(cast, upcoming, _upload("table.docx", buffer.getvalue()), title="Renamed")


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\a\\Informe final (v2).PDF", "Informe_final_v2.pdf"),
        ("Presentación Kazajstán.pptx", "Presentacion_Kazajstan.pptx"),
        ("....pdf", "document.pdf"),
    ],
)
def test_file_names_are_sanitised(raw, clean):
    assert safe_file_name(raw) == clean


def test_actions_and_conclusions(cast, upcoming):
    fp = cast.users["focal_point"]
    services.conclusion_add(meeting=upcoming, by=fp, text="Agreed.")
    from meetings.models import ActionItem

    action = services.action_add(
        meeting=upcoming,
        by=fp,
        action=ActionItem(
            description="Send data",
            owner=cast.users["focal_point_b"].organisation,
            due_date=upcoming.end_date,
        ),
    )
    with pytest.raises(ValidationError):
        services.conclusion_add(meeting=upcoming, by=fp, text="   ")
    # the owner organisation's users update their action; others may not
    services.action_update(
        action=action, by=cast.users["focal_point_b"], status="done", notes="Sent"
    )
    with pytest.raises(PermissionDenied):
        services.action_update(
            action=action, by=cast.users["agency_focal_point"], status="open", notes=""
        )
