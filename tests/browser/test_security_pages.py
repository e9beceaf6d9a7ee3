"""Security refusals as a user sees them: a second report of a post, a hidden subject."""

from __future__ import annotations

import pytest

from forum.models import Category, Report
from tests.browser.conftest import login, screenshot
from tests.factories import TEST_PASSWORD
from tests.forum.conftest import make_topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_second_report_and_hidden_subject(page, cast):
    from tests.meetings.factories import MeetingFactory

    category = Category.objects.create(slug="health", name_en="Health", name_es="Salud")
    meeting = MeetingFactory(title="Restricted KGZ workshop", visibility="restricted")
    topic = make_topic(
        cast.users["coordinator"], category, title="About a workshop", subject=meeting
    )
    post = topic.posts.get()

    login(page, "member.a@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto(topic.get_absolute_url())
    page.get_by_role("heading", name="About a workshop").wait_for()
    assert "Restricted KGZ workshop" not in page.content()
    screenshot(page, "security-topic-hidden-subject")

    for reason in ("Spam", "Still spam"):
        page.goto(f"/forum/p/{post.pk}/report/")
        page.get_by_label("What is wrong with this post?").fill(reason)
        page.get_by_role("button", name="Send the report").click()
    page.get_by_text("You have already reported this post").wait_for()
    screenshot(page, "security-report-twice")
    assert Report.objects.count() == 1
