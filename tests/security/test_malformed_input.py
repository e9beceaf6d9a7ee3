"""Malformed input answers 4xx with a clear message, never a 500, and stores nothing."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.test import Client

from portal.models import PersonalToken

HUGE = "99999999999999999999"


def _client(world, role: str) -> Client:
    client = Client()
    client.force_login(world.cast.users[role])
    return client


def test_nul_bytes_in_a_form_field_are_refused_naming_the_field(world):
    client = _client(world, "member")
    before = PersonalToken.objects.count()
    response = client.post("/accounts/tokens/", {"name": "script\x00"})
    assert response.status_code == 400
    assert "The field “name” contains a NUL character" in response.content.decode()
    assert PersonalToken.objects.count() == before


def test_nul_bytes_in_a_query_or_the_path_are_refused(world):
    client = _client(world, "coordinator")
    for url, data in (
        ("/meetings/", {"country": "KG\x00Z"}),
        ("/audit/", {"who": "\x00"}),
        (f"/data/sheets/{world.sheet_b.pk}/", {"indicator": "3.2.1\x00"}),
        ("/forum/u/a%00b/", {}),
    ):
        response = client.get(url, data)
        assert response.status_code == 400, url
        assert "NUL character" in response.content.decode(), url


def test_integers_beyond_64_bits_in_the_path_are_not_found(world):
    client = _client(world, "coordinator")
    for url in (
        f"/data/sheets/{HUGE}/",
        f"/forum/t/{HUGE}/",
        f"/meetings/{HUGE}/",
        f"/data/reports/cases/{HUGE}/",
    ):
        assert client.get(url).status_code == 404, url


def test_lock_version_that_is_not_a_number_is_a_stale_form(world):
    client = _client(world, "focal_point_b")
    sheet, obs = world.sheet_b, world.observation_b
    for lock_version in ("abc", HUGE, "-5"):
        response = client.post(
            f"/data/sheets/{sheet.pk}/grid/",
            {"lock_version": lock_version, f"value-{obs.pk}": "1", f"footnote-{obs.pk}": ""},
        )
        assert response.status_code == 302, lock_version
        assert [str(m) for m in get_messages(response.wsgi_request)], lock_version
        obs.refresh_from_db()
        assert str(obs.value) != "1"


def test_reply_to_a_hidden_post_does_not_link_it(world):
    from forum import services
    from tests.forum.conftest import make_topic

    author = world.cast.users["focal_point"]
    topic = make_topic(author, world.board.open, source="first")
    hidden = services.post_create(
        user=world.cast.users["member"],
        topic=topic,
        source="to be hidden",
        enforce_rate_limit=False,
    )
    services.post_moderate(
        moderator=world.cast.users["coordinator"], post=hidden, action="hide_post", reason="spam"
    )
    client = _client(world, "focal_point")
    client.post(
        f"/forum/t/{topic.pk}/reply/",
        {"source": "a reply", "language": "en", "reply_to": hidden.pk},
    )
    reply = topic.posts.order_by("-number").first()
    assert reply.source == "a reply" and reply.reply_to_id is None


def test_counts_and_ids_beyond_64_bits_in_forms(world):
    client = _client(world, "coordinator")
    meeting = world.meeting_b
    url = f"/meetings/{meeting.pk}/participants/"
    response = client.post(url, {"action": "counts", "reported_total": HUGE, "reported_female": 1})
    assert response.status_code == 400
    assert "1,000,000" in response.content.decode() or "1000000" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.reported_total is None
    response = client.post(url, {"action": "attendance", f"attendance-{HUGE}": "attended"})
    assert response.status_code == 302
    response = client.post(f"/forum/t/{world.topic_b.pk}/reply/", {"source": "x", "reply_to": HUGE})
    assert response.status_code < 500
