"""The forum in a real Chromium: start, mention, quote with attachment, unread, lock, search."""

from __future__ import annotations

import pytest

from forum.models import Attachment, Category, Notification, Post, Topic
from tests.browser.conftest import login, screenshot
from tests.factories import TEST_PASSWORD
from tests.forum.test_uploads import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Under-five mortality: national vs inter-agency estimates"


def as_user(browser, live_server, email):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, email, TEST_PASSWORD)
    page.wait_for_url("**/")
    return page


def test_topic_reply_unread_lock_and_search(page, browser, live_server, cast, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    Category.objects.create(
        slug="health", name_en="Health and mortality", name_es="Salud y mortalidad"
    )

    # A focal point starts a topic and mentions a member of their office.
    login(page, "fp.a@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Forum").click()
    page.get_by_role("link", name="New topic").click()
    page.get_by_label("Category", exact=True).select_option(label="Health and mortality")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_role("textbox", name="Text", exact=True).fill(
        "Our vital registration gives a rate **20% lower** than the IGME model.\n\n"
        "@member.a could you check the survey estimates?"
    )
    page.get_by_role("button", name="Publish the topic").click()
    page.get_by_role("heading", name=TITLE).wait_for()
    screenshot(page, "forum-topic-started")
    topic = Topic.objects.get(title=TITLE)

    # The member is notified, quotes the first post in Spanish and attaches a PDF.
    member = as_user(browser, live_server, "member.a@example.org")
    member.goto("/forum/")
    assert "1" in member.get_by_test_id("unread-count").inner_text()
    member.get_by_role("link", name="Notifications").click()
    screenshot(member, "forum-notifications")
    member.get_by_role("link", name=TITLE, exact=False).click()
    member.get_by_role("link", name="Quote post #1").click()
    text = member.get_by_role("textbox", name="Text", exact=True)
    assert "> **@fp.a**:" in text.input_value()
    text.press("End")
    text.fill(
        text.input_value()
        + "La mortalidad infantil según la encuesta es más alta que en los registros vitales."
    )
    member.get_by_label("Language of the text").select_option("es")
    member.get_by_label("Attachments").set_input_files(
        [{"name": "encuesta MICS.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    member.get_by_role("button", name="Post the reply").click()
    member.locator("#post-2").wait_for()
    assert member.locator("#post-2 blockquote").is_visible()
    assert member.get_by_role("link", name="encuesta MICS.pdf").is_visible()
    screenshot(member, "forum-reply-with-quote")
    reply = Post.objects.get(topic=topic, number=2)
    assert reply.reply_to is not None and reply.reply_to.number == 1
    assert Attachment.objects.filter(post=reply).count() == 1
    assert Notification.objects.filter(user=cast.users["focal_point"], post=reply).exists()

    # The focal point sees the topic as unread.
    page.goto("/forum/c/health/")
    assert page.get_by_role("link", name="1 unread", exact=True).is_visible()
    screenshot(page, "forum-category-unread")
    page.get_by_role("link", name="1 unread", exact=True).click()
    page.wait_for_url("**#post-2")
    assert page.locator("#post-2 .badge-new").is_visible()

    # A moderator locks it.
    coordinator = as_user(browser, live_server, "coord@example.org")
    coordinator.goto(f"/forum/t/{topic.pk}/")
    tools = coordinator.get_by_role("region", name="Moderate this topic")
    tools.get_by_label("Action").select_option("lock")
    tools.get_by_label("Reason", exact=True).fill("Agreed; continue in the discrepancy case")
    tools.get_by_role("button", name="Apply").click()
    coordinator.get_by_test_id("locked").wait_for()
    screenshot(coordinator, "forum-locked")
    member.goto(f"/forum/t/{topic.pk}/")
    assert member.get_by_text("This topic is locked: no new replies.").is_visible()
    assert member.locator("#reply").count() == 0

    # Search finds it in English and in Spanish.
    page.get_by_role("search").get_by_label("Search the forum").fill("estimates")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    assert page.get_by_role("link", name=TITLE).first.is_visible()
    screenshot(page, "forum-search-en")
    page.goto("/forum/search/?q=mortalidad+infantil")
    assert page.get_by_role("link", name=TITLE).first.is_visible()

    # And the Spanish interface.
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Buscar en el foro").is_visible()
    page.goto(f"/forum/t/{topic.pk}/")
    assert page.get_by_text("Este tema está cerrado: no admite respuestas.").is_visible()
    screenshot(page, "forum-topic-es")
