"""Reads: search on both databases, attention items, unread markers."""

from __future__ import annotations

import pytest
from django.db import connection

from forum import selectors, services
from forum.models import Topic
from tests.forum.conftest import make_topic


@pytest.fixture
def debates(cast, board):
    fp = cast.users["focal_point"]
    make_topic(
        fp,
        board.open,
        title="Under-five mortality estimates",
        source="The national estimates of child deaths differ from the inter-agency model.",
    )
    make_topic(
        fp,
        board.open,
        title="Mortalidad infantil en Chile",
        language="es",
        source="Las estimaciones nacionales de mortalidad infantil difieren de las internacionales.",
    )
    make_topic(fp, board.focal, title="Confidential mortality case", source="child deaths")


def titles(posts):
    return {p.topic.title for p in posts}


def test_search_english(cast, debates):
    found = titles(selectors.search_posts(user=cast.users["member"], query="estimates"))
    assert "Under-five mortality estimates" in found
    assert "Confidential mortality case" not in found


def test_search_spanish(cast, debates):
    found = titles(selectors.search_posts(user=cast.users["member"], query="mortalidad infantil"))
    assert found == {"Mortalidad infantil en Chile"}


def test_search_respects_permissions(cast, debates):
    assert "Confidential mortality case" in titles(
        selectors.search_posts(user=cast.users["coordinator"], query="mortality")
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming needs PostgreSQL")
def test_search_stems_in_each_language(cast, debates):
    member = cast.users["member"]
    assert "Under-five mortality estimates" in titles(
        selectors.search_posts(user=member, query="estimate death")
    )
    assert "Mortalidad infantil en Chile" in titles(
        selectors.search_posts(user=member, query="estimación difiere")
    )


def test_search_empty_and_hostile_queries(cast, debates):
    member = cast.users["member"]
    assert not selectors.search_posts(user=member, query="   ")
    for query in ["'); DROP TABLE forum_post; --", "a & | ! :*", '"unclosed', "-"]:
        list(selectors.search_posts(user=member, query=query))
    assert Topic.objects.count() == 3


def test_attention_items(cast, board):
    fp, member, coord = cast.users["focal_point"], cast.users["member"], cast.users["coordinator"]
    topic = make_topic(fp, board.open)
    services.post_create(user=member, topic=topic, source="reply", enforce_rate_limit=False)
    items = selectors.attention_items(user=fp)
    assert len(items) == 1 and items[0].url == "/forum/notifications/"
    assert "1 unread forum notification" in items[0].title
    services.post_report(user=member, post=topic.posts.first(), reason="spam")
    coord_items = selectors.attention_items(user=coord)
    assert any(i.level == "warning" and "1 reports" in i.title for i in coord_items)


def test_dashboard_collects_forum_items(cast, board):
    from portal.selectors import dashboard_attention

    topic = make_topic(cast.users["focal_point"], board.open)
    services.post_create(
        user=cast.users["member"], topic=topic, source="x", enforce_rate_limit=False
    )
    assert any(
        "/forum/" in item.url for item in dashboard_attention(user=cast.users["focal_point"])
    )


def test_unread_markers(cast, board):
    fp, member = cast.users["focal_point"], cast.users["member"]
    topic = make_topic(fp, board.open)
    [marked] = selectors.annotate_unread(user=member, topics=[topic])
    assert marked.is_new
    services.topic_mark_read(user=member, topic=topic, number=1)
    services.post_create(user=fp, topic=topic, source="more", enforce_rate_limit=False)
    topic.refresh_from_db()
    [marked] = selectors.annotate_unread(user=member, topics=[topic])
    assert not marked.is_new and marked.unread_count == 1
