"""Every permission check of the forum, built on `portal.permissions`.

Who may do what in a category depends on the category's `access`:

- ``open``: every active member sees and reads; everyone but observers posts;
- ``focal_points``: the secretariat (coordinators) and country and agency focal points;
- ``region``: the secretariat and the national offices of the countries of one country
  group (a portal Region).

Observers only ever read. Moderators are the coordinators plus each category's own
moderators. Checks never query the database when the caller has loaded what they need
(`category.moderators` prefetched, or `moderated_category_ids`), so pages stay at a
constant number of queries.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from portal import permissions as portal_permissions

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from forum.models import Attachment, Category, Post, Topic
    from portal.models import User

    AnyUser = User | AnonymousUser


class Action(StrEnum):
    SEE = "see"
    READ = "read"
    START_TOPIC = "start_topic"
    REPLY = "reply"
    ATTACH = "attach"
    MODERATE = "moderate"


FOCAL_ROLES = frozenset({"country_focal_point", "agency_focal_point"})
COUNTRY_ROLES = frozenset({"country_focal_point", "country_member"})


def _region_ids(user: Any) -> frozenset[int]:
    """The country groups of the user's own country (cached on the user object)."""
    cached = getattr(user, "_forum_region_ids", None)
    if cached is not None:
        return cached
    ids: frozenset[int] = frozenset()
    if user.role in COUNTRY_ROLES and user.organisation_id:
        from portal.models import Region

        country_id = user.organisation.country_id
        if country_id:
            ids = frozenset(Region.objects.filter(members=country_id).values_list("pk", flat=True))
    user._forum_region_ids = ids
    return ids


def moderated_category_ids(user: AnyUser) -> frozenset[int]:
    """Categories the user moderates by appointment (cached on the user object)."""
    if not portal_permissions.is_member(user):
        return frozenset()
    cached = getattr(user, "_forum_moderated_ids", None)
    if cached is None:
        cached = frozenset(user.moderated_forum_categories.values_list("pk", flat=True))  # type: ignore[union-attr]
        user._forum_moderated_ids = cached  # type: ignore[union-attr]
    return cached


def can_read_category(user: AnyUser, category: Category) -> bool:
    if not portal_permissions.is_member(user):
        return False
    if portal_permissions.is_coordinator(user):
        return True
    if category.access == "open":
        return True
    if category.access == "focal_points":
        return user.role in FOCAL_ROLES  # type: ignore[union-attr]
    if category.access == "region":
        return category.region_id in _region_ids(user)
    return False


def can_see_category(user: AnyUser, category: Category) -> bool:
    """Seeing a category in the list is the same as reading it: no teasers."""
    return can_read_category(user, category)


def can_moderate_category(user: AnyUser, category: Category) -> bool:
    if portal_permissions.can_moderate_forum(user):
        return True
    return can_read_category(user, category) and category.pk in moderated_category_ids(user)


def _may_write(user: AnyUser, category: Category) -> bool:
    return can_read_category(user, category) and user.role != "observer"  # type: ignore[union-attr]


def can_start_topic(user: AnyUser, category: Category) -> bool:
    if not _may_write(user, category):
        return False
    if category.topics_by_secretariat_only:
        return can_moderate_category(user, category)
    return True


def can_reply_in_category(user: AnyUser, category: Category) -> bool:
    return _may_write(user, category)


def can_attach(user: AnyUser, category: Category) -> bool:
    return _may_write(user, category) and category.allow_attachments


def has_category_permission(user: AnyUser, action: Action, category: Category) -> bool:
    """One entry point for `action` in `category`: what the permission matrix tests."""
    checks = {
        Action.SEE: can_see_category,
        Action.READ: can_read_category,
        Action.START_TOPIC: can_start_topic,
        Action.REPLY: can_reply_in_category,
        Action.ATTACH: can_attach,
        Action.MODERATE: can_moderate_category,
    }
    return checks[action](user, category)


def can_read_topic(user: AnyUser, topic: Topic) -> bool:
    if not can_read_category(user, topic.category):
        return False
    if (topic.hidden or not topic.approved) and not can_moderate_category(user, topic.category):
        return not topic.hidden and topic.author_id == user.pk
    return True


def can_reply(user: AnyUser, topic: Topic) -> bool:
    if not can_read_topic(user, topic) or not can_reply_in_category(user, topic.category):
        return False
    if topic.locked or topic.hidden or not topic.approved:
        return can_moderate_category(user, topic.category)
    return True


def can_read_post(user: AnyUser, post: Post) -> bool:
    """Reading the post's content (hidden and pending posts: moderators, and authors)."""
    if not can_read_topic(user, post.topic):
        return False
    if post.hidden:
        return can_moderate_category(user, post.topic.category)
    if not post.approved:
        return post.author_id == user.pk or can_moderate_category(user, post.topic.category)
    return True


def can_edit_post(user: AnyUser, post: Post) -> bool:
    """Authors edit their own posts while the topic is open; moderators edit any post."""
    if not can_read_post(user, post):
        return False
    if can_moderate_category(user, post.topic.category):
        return True
    return (
        post.author_id == user.pk
        and not post.hidden
        and not post.topic.locked
        and user.role != "observer"
    )


def can_report_post(user: AnyUser, post: Post) -> bool:
    """Readers who may write in the category report others' posts (observers only read)."""
    return (
        can_read_post(user, post)
        and post.author_id != user.pk
        and _may_write(user, post.topic.category)
    )


def can_download_attachment(user: AnyUser, attachment: Attachment) -> bool:
    return can_read_post(user, attachment.post)
