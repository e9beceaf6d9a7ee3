"""Stored XSS: payloads in every user-writable text, rendered in a real Chromium.

A dialog handler records any alert/confirm/prompt; none may fire, no injected element may
exist, and the payload text must be visible as text (escaped), not executed or dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import TYPE_CHECKING

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.browser.conftest import login
from tests.security.conftest import PASSWORD, PDF, make_topic

if TYPE_CHECKING:
    from playwright.sync_api import Dialog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SVG = "<svg onload=alert(1)>"
TEMPLATE = "{{7*7}}"
JS_LINK = "[click me](javascript:alert(1))"
PAYLOADS = (SCRIPT, IMG, SVG, TEMPLATE)
ALL = " ".join(PAYLOADS)
FILE_NAME = '"><img src=x onerror=alert(1)>.pdf'


def _csv(footnote: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "indicator",
            "area",
            "disaggregation",
            "year",
            "value",
            "unit",
            "nature",
            "source",
            "footnote",
        ]
    )
    writer.writerow(["3.2.1", "", "", "2015", "14.6", "PER_1000_LIVE_BIRTHS", "C", ALL, footnote])
    writer.writerow(["3.2.1", "", "", "2020", "10.2", "PER_1000_LIVE_BIRTHS", "C", "", SCRIPT])
    return buffer.getvalue().encode()


def _plant(world) -> dict[str, str]:
    """Write the payloads everywhere a user can write text; returns the pages that show them."""
    from indicators import services
    from meetings.models import AgendaItem, Conclusion, MeetingPartner, Session
    from tests.meetings.factories import (
        ActionFactory,
        MeetingFactory,
        ParticipantFactory,
        PartnerFactory,
    )

    users = world.cast.users
    fp, member, coord = users["focal_point"], users["member"], users["coordinator"]
    for user, name in ((fp, SCRIPT), (member, IMG), (coord, SVG)):
        user.full_name = f"{name} {TEMPLATE}"
        user.save(update_fields=["full_name"])

    topic = make_topic(
        fp,
        world.board.open,
        title=f"{IMG} {SCRIPT}",
        source=f'{ALL}\n\n{JS_LINK}\n\n<a href="javascript:alert(1)">raw</a>\n\n'
        f"![x](javascript:alert(1))\n\n[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        files=[SimpleUploadedFile(FILE_NAME, PDF, "application/pdf")],
    )
    from forum import services as forum_services

    reply = forum_services.post_create(
        user=member, topic=topic, source=f"{SVG} {TEMPLATE} {JS_LINK}", enforce_rate_limit=False
    )
    forum_services.post_edit(user=member, post=reply, source=f"{SCRIPT} edited", reason=IMG)
    handle = forum_services.forum_profile_get_or_create(user=fp).handle

    start = timezone.localdate() + dt.timedelta(days=20)
    meeting = MeetingFactory.create(
        title=f"{SCRIPT} {IMG}",
        objectives=f"{ALL}\n{JS_LINK}",
        summary=ALL,
        city=SVG,
        thematic_focus=TEMPLATE,
        start_date=start,
        end_date=start + dt.timedelta(days=1),
        status="planned",
        visibility="members",
    )
    PartnerFactory(
        meeting=meeting, role=MeetingPartner.Role.ORGANISER, country=world.cast.country_a, name=IMG
    )
    session = Session.objects.create(meeting=meeting, title=SCRIPT, date=start, chairs=IMG)
    AgendaItem.objects.create(session=session, title=SVG, speakers=IMG, description=ALL)
    Conclusion.objects.create(meeting=meeting, text=ALL)
    ActionFactory(meeting=meeting, owner=fp.organisation, description=ALL, notes=IMG)
    ParticipantFactory(meeting=meeting, user=member, full_name=f"{SCRIPT} {TEMPLATE}")
    from meetings import services as meeting_services

    meeting_services.document_upload(
        meeting=meeting,
        by=coord,
        upload=SimpleUploadedFile(FILE_NAME, PDF, "application/pdf"),
        title=ALL,
        kind="report",
        language="en",
        visibility="members",
    )

    sheet = services.datasheet_create(
        country=world.cast.country_a, round=world.sheet_b.round, user=fp
    )
    token = services.upload_stage(
        sheet=sheet, user=fp, files=[(f"{SVG}.csv", _csv(f"{IMG} {TEMPLATE}"))]
    )
    preview = services.datasheet_import_preview(sheet=sheet, user=fp, token=token)
    assert preview.ok, preview.problems
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    services.datasheet_submit(sheet=sheet, user=fp)
    obs = sheet.observations.get(year=2015)
    services.datasheet_return(
        sheet=sheet, user=coord, comment=ALL, value_comments={obs.pk: f"{IMG} {SCRIPT}"}
    )

    return {
        "forum": "/forum/",
        "category": f"/forum/c/{world.board.open.slug}/",
        "topic": f"/forum/t/{topic.pk}/",
        "history": f"/forum/p/{reply.pk}/history/",
        "search": "/forum/search/?q=alert",
        "user": f"/forum/u/{handle}/",
        "notifications": "/forum/notifications/",
        "meetings": "/meetings/",
        "meeting": f"/meetings/{meeting.pk}/",
        "participants": f"/meetings/{meeting.pk}/participants/",
        "outcomes": f"/meetings/{meeting.pk}/outcomes/",
        "actions": "/meetings/actions/",
        "data": "/data/",
        "sheet": f"/data/sheets/{sheet.pk}/",
        "home": "/",
        "profile": "/accounts/profile/",
        "audit": "/audit/",
        "moderation": "/forum/moderation/",
    }


def _check(page, url: str, dialogs: list[str], expect: tuple[str, ...]) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 400, (url, response and response.status)
    page.wait_for_load_state("load")
    assert not dialogs, f"{url}: a dialog fired: {dialogs}"
    injected = page.evaluate(
        """() => ({
            img: document.querySelectorAll('img[src="x"], img[onerror]').length,
            svg: document.querySelectorAll('svg[onload]').length,
            scripts: [...document.scripts].filter(s => s.textContent.includes('alert(1)')).length,
            js: [...document.querySelectorAll('a[href], iframe[src], img[src]')]
                .filter(e => /^\\s*(javascript|data):/i.test(e.getAttribute('href') || e.getAttribute('src') || '')).length,
        })"""
    )
    assert injected == {"img": 0, "svg": 0, "scripts": 0, "js": 0}, f"{url}: {injected}"
    text = page.locator("body").inner_text()
    for payload in expect:
        assert payload in text, f"{url}: {payload!r} not shown as text"


def test_payloads_render_as_text_everywhere(world, browser, live_server):
    pages = _plant(world)
    dialogs: list[str] = []

    def open_as(email: str):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(15000)

        def dismiss(dialog: Dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", dismiss)
        login(page, email, PASSWORD)
        page.wait_for_url("**/")
        return context, page

    focal = (
        "forum",
        "category",
        "topic",
        "history",
        "search",
        "user",
        "notifications",
        "meetings",
        "meeting",
        "actions",
        "data",
        "sheet",
        "home",
        "profile",
    )
    expectations = {
        "topic": (SCRIPT, IMG, SVG, TEMPLATE),
        "meeting": (SCRIPT, TEMPLATE),
        "sheet": (IMG, TEMPLATE, SCRIPT),
        "profile": (SCRIPT,),
        "history": (SCRIPT,),
    }
    context, page = open_as(world.cast.users["focal_point"].email)
    try:
        for key in focal:
            _check(page, pages[key], dialogs, expectations.get(key, ()))
    finally:
        context.close()
    context, page = open_as(world.cast.users["coordinator"].email)
    try:
        for key in ("participants", "outcomes", "audit", "moderation", "data", "sheet", "meeting"):
            _check(page, pages[key], dialogs, expectations.get(key, ()))
    finally:
        context.close()
    assert not dialogs
