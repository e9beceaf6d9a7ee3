"""Stored links and other validated input: refused with a clear message, never a 500."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

BAD_LINKS = (
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://evil.example/forum/t/1/",
    "//evil.example/forum/t/1/",
    "/data/sheets/1/",  # a page of the portal, but not a forum thread
    "forum/t/1/",
    "/forum/t/1/\x7f",
)


def _answer(world, forum_thread: str):
    client = Client()
    client.force_login(world.cast.users["coordinator"])
    return client.post(
        f"/data/reports/cases/{world.case_b.pk}/", {"text": "", "forum_thread": forum_thread}
    )


@pytest.mark.parametrize("link", BAD_LINKS)
def test_case_forum_thread_refuses_what_is_not_a_forum_link(world, link):
    response = _answer(world, link)
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Forum thread: give the link of a topic or post" in t for t in texts), texts
    world.case_b.refresh_from_db()
    assert world.case_b.forum_thread == ""


def test_case_forum_thread_too_long_is_a_clear_error(world):
    response = _answer(world, "/forum/t/1/?" + "a" * 250)
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("at most 200" in t for t in texts), texts
    world.case_b.refresh_from_db()
    assert world.case_b.forum_thread == ""


def test_case_forum_thread_accepts_a_topic_or_post_of_the_forum(world):
    for link in (f"/forum/t/{world.topic_b.pk}/", f"/forum/p/{world.post_b.pk}/"):
        _answer(world, link)
        world.case_b.refresh_from_db()
        assert world.case_b.forum_thread == link
    _answer(world, "")
    world.case_b.refresh_from_db()
    assert world.case_b.forum_thread == ""
