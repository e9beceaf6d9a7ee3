"""Rendering of posts (Markdown, mentions) and their full-text search vector."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Q, Value
from django.urls import reverse

from forum.models import (
    ForumProfile,
    Post,
)
from forum.rendering import find_mentions, link_mentions, render_markdown
from forum.services.common import SEARCH_CONFIGS, _handle_base, forum_profile_get_or_create
from portal.models import User

# --- rendering and search -------------------------------------------------------------


def _profiles_for_handles(handles: set[str]) -> list[ForumProfile]:
    """Profiles for `handles`; users who never opened the forum get theirs on first mention."""
    if not handles:
        return []
    profiles = list(
        ForumProfile.objects.filter(handle__in=handles).select_related("user__organisation")
    )
    missing = handles - {p.handle for p in profiles}
    if missing:
        lookup = Q()
        for handle in missing:
            lookup |= Q(email__istartswith=f"{handle}@")
        for user in User.objects.filter(lookup, is_active=True, forum_profile__isnull=True):
            if _handle_base(user.email) in missing:
                profile = forum_profile_get_or_create(user=user)
                if profile.handle in missing:
                    profiles.append(profile)
    return profiles


def _render(source: str) -> tuple[str, list[ForumProfile]]:
    profiles = _profiles_for_handles(find_mentions(source))
    html = render_markdown(source)
    html = link_mentions(
        html,
        [p.handle for p in profiles],
        lambda handle: reverse("forum:user", kwargs={"handle": handle}),
    )
    return html, profiles


def _update_search_vector(post: Post) -> None:
    """Store the post's tsvector (PostgreSQL only; SQLite searches with icontains)."""
    if connection.vendor != "postgresql":
        return
    config = SEARCH_CONFIGS.get(post.language, "simple")
    vector: Any = SearchVector("source", weight="B", config=config)
    if post.number == 1:
        vector = SearchVector(Value(post.topic.title), weight="A", config=config) + vector
    Post.objects.filter(pk=post.pk).update(search_vector=vector)


def _render_mentions_only(source: str) -> tuple[str, list[ForumProfile]]:
    return "", _profiles_for_handles(find_mentions(source))
