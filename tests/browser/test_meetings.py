"""The secretariat creates a workshop, members register, the organiser marks attendance,
uploads documents and records follow-up actions; statistics, the biennium report and the
iCalendar file show it. In a real Chromium."""

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar

from meetings.models import (
    ActionItem,
    Activity,
    Biennium,
    DocumentVersion,
    Meeting,
    Objective,
    Participant,
)
from tests.browser.conftest import login, screenshot
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _logout(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def _as(page, email):
    login(page, email, TEST_PASSWORD)
    page.wait_for_url("**/")


def test_workshop_from_creation_to_report(page, cast, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    biennium = Biennium.objects.create(
        title="Objectives and activities 2026-2027", start_year=2026, end_year=2027
    )
    objective = Objective.objects.create(
        biennium=biennium, number=1, title="Strengthen statistical capacities"
    )
    Activity.objects.create(
        biennium=biennium,
        objective=objective,
        code="2(b)",
        title="Regional workshop on MDG indicators",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2027, 12, 31),
        timeline_note="2026 – 2027",
    )
    start = timezone.localdate() + dt.timedelta(days=10)

    # 1. The secretariat creates the workshop.
    _as(page, "coord@example.org")
    page.goto("/meetings/")
    page.get_by_role("link", name="New meeting").click()
    page.get_by_label("Title", exact=True).fill("Regional workshop on migration statistics")
    page.get_by_label("Type", exact=True).select_option("workshop")
    page.get_by_label("Thematic focus").fill("Migration statistics")
    page.get_by_label("City").fill("Almaty")
    page.get_by_label("Country", exact=True).select_option(label="Kazakhstan")
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_label("End date").fill((start + dt.timedelta(days=1)).isoformat())
    page.get_by_label("Time zone").select_option("Asia/Almaty")
    page.get_by_label("Visibility", exact=True).select_option("members")
    page.get_by_label("Organising countries").select_option(label="Kazakhstan")
    page.get_by_label("Work-programme activities").select_option(index=0)
    page.get_by_label("Funders").fill("European Free Trade Association (EFTA)")
    screenshot(page, "meetings-create-form")
    page.get_by_role("button", name="Save meeting").click()
    page.get_by_role("heading", name="Regional workshop on migration statistics").wait_for()
    meeting = Meeting.objects.get()
    assert meeting.partners.count() == 2
    _logout(page)

    # 2. Two members register.
    for email, sex in (("member.a@example.org", "male"), ("fp.b@example.org", "female")):
        _as(page, email)
        page.goto(f"/meetings/{meeting.pk}/")
        page.get_by_label("Sex").select_option(sex)
        page.get_by_label("My name may be published in the list of participants").check()
        page.get_by_role("button", name="Register for this meeting").click()
        page.get_by_text("You are registered for this meeting.").wait_for()
        if sex == "male":
            screenshot(page, "meetings-registered")
        _logout(page)
    assert Participant.objects.filter(meeting=meeting).count() == 2

    # 3. The meeting takes place: the secretariat marks it held.
    _as(page, "coord@example.org")
    page.goto(f"/meetings/{meeting.pk}/edit/")
    page.get_by_label("Status", exact=True).select_option("held")
    page.get_by_role("button", name="Save meeting").click()
    page.get_by_text("The meeting was saved.").wait_for()
    _logout(page)

    # 4. The organiser (country A's focal point) marks attendance, uploads, records actions.
    _as(page, "fp.a@example.org")
    page.goto(f"/meetings/{meeting.pk}/participants/")
    for person in Participant.objects.filter(meeting=meeting):
        page.locator(f"#att-{person.pk}").select_option("attended")
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_text("Attendance saved (2 changed).").wait_for()
    screenshot(page, "meetings-participants")
    for title, kind, name in (
        ("Presentations", "presentation", "presentations.pdf"),
        ("Conclusions", "conclusions", "conclusions.pdf"),
    ):
        page.goto(f"/meetings/{meeting.pk}/documents/new/")
        page.get_by_label("Title").fill(title)
        page.get_by_label("Kind").select_option(kind)
        page.get_by_label("File").set_input_files(
            {"name": name, "mimeType": "application/pdf", "buffer": PDF}
        )
        page.get_by_role("button", name="Save").click()
        page.get_by_text(f"“{title}” was uploaded (version 1).").wait_for()
    # A disguised file is refused with the field named.
    page.goto(f"/meetings/{meeting.pk}/documents/new/")
    page.get_by_label("Title").fill("Trap")
    page.get_by_label("Kind").select_option("other")
    page.get_by_label("File").set_input_files(
        {
            "name": "trap.pdf",
            "mimeType": "application/pdf",
            "buffer": b"<html><script>alert(1)</script>",
        }
    )
    page.get_by_role("button", name="Save").click()
    page.get_by_text("File: the content of trap.pdf is not a .pdf file").wait_for()
    screenshot(page, "meetings-upload-refused")
    assert DocumentVersion.objects.count() == 2

    page.goto(f"/meetings/{meeting.pk}/outcomes/")
    page.get_by_role("textbox", name="Conclusion").fill(
        "Countries will produce migration-related indicators."
    )
    page.get_by_role("button", name="Add conclusion").click()
    page.get_by_text("The conclusion was recorded.").wait_for()
    for description, owner in (
        ("Share national indicators", "NSO B"),
        ("Circulate the report", "Secretariat"),
    ):
        page.get_by_role("textbox", name="Action").fill(description)
        page.get_by_role("combobox", name="Owner").select_option(label=owner)
        page.get_by_label("Due date").fill((start + dt.timedelta(days=30)).isoformat())
        page.get_by_role("button", name="Add action").click()
        page.get_by_text("The follow-up action was recorded.").wait_for()
    assert ActionItem.objects.filter(meeting=meeting).count() == 2

    page.goto(f"/meetings/{meeting.pk}/")
    assert page.get_by_role("link", name="Conclusions", exact=True).is_visible()
    assert page.locator("#participation").get_by_text("2").first.is_visible()
    screenshot(page, "meetings-detail")

    # 5. Statistics and the biennium report show it.
    page.goto("/meetings/statistics/")
    assert page.get_by_text("1 meeting held, 2 participants, 1 female.").is_visible()
    screenshot(page, "meetings-statistics")
    page.goto(f"/meetings/programme/{biennium.pk}/report/")
    report = page.locator("main")
    assert report.get_by_role("link", name="Regional workshop on migration statistics").is_visible()
    assert report.get_by_text("Presentation: Presentations").is_visible()
    assert report.get_by_text("Conclusions: Conclusions").is_visible()
    screenshot(page, "meetings-biennium-report")
    page.emulate_media(media="print")
    screenshot(page, "meetings-biennium-report-print")
    page.emulate_media(media="screen")
    page.goto(f"/meetings/programme/{biennium.pk}/")
    screenshot(page, "meetings-programme-timeline")

    # 6. The iCalendar file downloads and parses.
    page.goto(f"/meetings/{meeting.pk}/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    path = info.value.path()
    cal = Calendar.from_ical(open(path, "rb").read())
    event = cal.walk("VEVENT")[0]
    assert str(event["summary"]) == "Regional workshop on migration statistics"
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") == start + dt.timedelta(days=2)
