"""Reads of the forum. Listings cost a constant number of queries however long they are."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forum import permissions
from forum.models import (
    Attachment,
    Category,
    ModerationLog,
    Notification,
    Post,
    Report,
    Subscription,
    Topic,
    TopicReadState,
)
from portal.models import User
from portal.permissions import is_member
from portal.selectors import AttentionItem


def _categories(user: Any) -> list[Category]:
    cached = getattr(user, "_forum_categories", None)
    if cached is None:
        cached = list(Category.objects.select_related("region").order_by("position", "name_en"))
        if is_member(user):
            user._forum_categories = cached
    return cached


def readable_categories(*, user: Any) -> list[Category]:
    return [c for c in _categories(user) if permissions.can_read_category(user, c)]


def readable_category_ids(*, user: Any) -> list[int]:
    return [c.pk for c in readable_categories(user=user)]


def moderated_category_ids(*, user: Any) -> list[int]:
    return [
        c.pk for c in readable_categories(user=user) if permissions.can_moderate_category(user, c)
    ]


def startable_categories(*, user: Any) -> list[Category]:
    return [c for c in readable_categories(user=user) if permissions.can_start_topic(user, c)]


def visible_topics(*, user: Any) -> QuerySet[Topic]:
    """Topics the user may open: readable categories; hidden or pending only for moderators."""
    moderated = moderated_category_ids(user=user)
    return Topic.objects.filter(category_id__in=readable_category_ids(user=user)).filter(
        Q(hidden=False, approved=True)
        | Q(category_id__in=moderated)
        | Q(hidden=False, author_id=user.pk)
    )


def category_list(*, user: Any) -> list[Category]:
    """Readable categories with their topic counts and whether the user watches each."""
    categories = readable_categories(user=user)
    ids = [c.pk for c in categories]
    counts = dict(
        Topic.objects.filter(category_id__in=ids, hidden=False, approved=True)
        .values_list("category_id")
        .annotate(n=Count("pk"))
        .values_list("category_id", "n")
    )
    watched = set(
        Subscription.objects.filter(user_id=user.pk, category_id__in=ids).values_list(
            "category_id", flat=True
        )
    )
    for category in categories:
        category.topic_count = counts.get(category.pk, 0)  # type: ignore[attr-defined]
        category.is_watched = category.pk in watched  # type: ignore[attr-defined]
    return categories


def topic_listing(*, user: Any, category: Category | None = None) -> QuerySet[Topic]:
    queryset = visible_topics(user=user)
    if category is not None:
        queryset = queryset.filter(category=category)
    return queryset.select_related("author", "last_poster", "category").order_by(
        "-pinned", "-last_post_at", "-pk"
    )


def annotate_unread(*, user: Any, topics: list[Topic]) -> list[Topic]:
    """Set `last_read_number`, `unread_count` and `is_new` on each topic (one query)."""
    states = dict(
        TopicReadState.objects.filter(user_id=user.pk, topic__in=topics).values_list(
            "topic_id", "last_read_number"
        )
    )
    for topic in topics:
        read = states.get(topic.pk)
        topic.is_new = read is None  # type: ignore[attr-defined]
        topic.last_read_number = read or 0  # type: ignore[attr-defined]
        topic.unread_count = max(0, topic.last_post_number - (read or 0)) if read else 0  # type: ignore[attr-defined]
    return topics


def topic_posts(*, user: Any, topic: Topic) -> QuerySet[Post]:
    """The posts of a topic the user may see, with authors and attachments loaded."""
    queryset = topic.posts.select_related(
        "author__organisation", "author__forum_profile", "reply_to"
    ).prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk")),
    )
    if not permissions.can_moderate_category(user, topic.category):
        queryset = queryset.filter(Q(approved=True) | Q(author_id=user.pk))
    return queryset.order_by("number")


def topic_read_state(*, user: Any, topic: Topic) -> TopicReadState | None:
    return TopicReadState.objects.filter(user_id=user.pk, topic=topic).first()


def is_watching(*, user: Any, topic: Topic) -> bool:
    return Subscription.objects.filter(
        Q(topic=topic) | Q(category_id=topic.category_id), user_id=user.pk
    ).exists()


def topics_for_object(*, user: Any, obj: Model, limit: int = 20) -> list[Topic]:
    """Topics linked to `obj` that the user may read, newest activity first."""
    if user is None or not is_member(user):
        return []
    content_type = ContentType.objects.get_for_model(obj)
    return list(
        visible_topics(user=user)
        .filter(content_type=content_type, object_id=obj.pk)
        .select_related("category", "last_poster")
        .order_by("-last_post_at")[:limit]
    )


_TERM_RE = re.compile(r'"([^"]+)"|(\S+)')


def search_posts(*, user: Any, query: str) -> QuerySet[Post]:
    """Posts matching `query` in topics the user may read, best first.

    PostgreSQL: full-text search over the stored vectors (english or spanish per post),
    the query parsed as a web search in both configurations. SQLite: every word must
    appear in the post or its topic's title (icontains).
    """
    query = (query or "").strip()[:200]
    if not query:
        return Post.objects.none()
    topics = visible_topics(user=user).values("pk")
    posts = Post.objects.filter(topic__in=topics, hidden=False, approved=True)
    if connection.vendor == "postgresql":
        ts_query = SearchQuery(query, config="english", search_type="websearch") | SearchQuery(
            query, config="spanish", search_type="websearch"
        )
        posts = posts.filter(search_vector=ts_query)
    else:
        for quoted, word in _TERM_RE.findall(query):
            term = quoted or word
            if term.lower() in ("or", "and") or term.startswith("-"):
                continue
            posts = posts.filter(Q(source__icontains=term) | Q(topic__title__icontains=term))
    return posts.select_related("topic__category", "author").order_by("-created_at", "-pk")


def notifications_for(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related(
        "actor", "topic", "post", "topic__category"
    )


def unread_notification_count(*, user: Any) -> int:
    if user is None or not is_member(user):
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def moderation_queue(*, user: Any) -> dict[str, Any]:
    """Pending posts, open reports and the recent log for the categories the user moderates."""
    moderated = moderated_category_ids(user=user)
    return {
        "pending": list(
            Post.objects.filter(approved=False, topic__category_id__in=moderated)
            .select_related("topic", "author")
            .order_by("created_at")[:100]
        ),
        "reports": list(
            Report.objects.filter(resolved_at__isnull=True, post__topic__category_id__in=moderated)
            .select_related("post__topic", "post__author", "reporter")
            .order_by("created_at")[:100]
        ),
        "log": list(
            ModerationLog.objects.filter(
                Q(topic__category_id__in=moderated) | Q(topic__isnull=True)
            )
            .select_related("moderator", "topic", "post")
            .order_by("-created_at")[:100]
        ),
    }


def attention_items(*, user: Any) -> list[AttentionItem]:
    """What needs the user's attention in the forum, for the dashboard."""
    if user is None or not is_member(user):
        return []
    items: list[AttentionItem] = []
    unread = unread_notification_count(user=user)
    if unread:
        items.append(
            AttentionItem(
                title=ngettext(
                    "%(n)d unread forum notification", "%(n)d unread forum notifications", unread
                )
                % {"n": unread},
                url=reverse("forum:notifications"),
                detail=_("Replies, mentions and new posts in what you watch."),
            )
        )
    moderated = moderated_category_ids(user=user)
    if moderated:
        reports = Report.objects.filter(
            resolved_at__isnull=True, post__topic__category_id__in=moderated
        ).count()
        pending = Post.objects.filter(approved=False, topic__category_id__in=moderated).count()
        if reports or pending:
            items.append(
                AttentionItem(
                    title=_("Forum moderation: %(reports)d reports, %(pending)d posts to approve")
                    % {"reports": reports, "pending": pending},
                    url=reverse("forum:moderation"),
                    level="warning",
                )
            )
    return items
