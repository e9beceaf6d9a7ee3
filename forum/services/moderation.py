"""Moderation: hide, lock, pin and move topics, hide posts, approve, reports."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import permissions
from forum.models import (
    Category,
    ModerationLog,
    Post,
    Report,
    Topic,
)
from forum.services.common import _clean_reason
from forum.services.notifications import _notify_for_post
from portal.models import User

# --- moderation -----------------------------------------------------------------------


def _require_moderator(user: User, category: Category) -> None:
    if not permissions.can_moderate_category(user, category):
        raise PermissionDenied(_("Only moderators can do this."))


TOPIC_ACTIONS = {
    ModerationLog.Action.PIN: {"pinned": True},
    ModerationLog.Action.UNPIN: {"pinned": False},
    ModerationLog.Action.LOCK: {"locked": True},
    ModerationLog.Action.UNLOCK: {"locked": False},
    ModerationLog.Action.HIDE_TOPIC: {"hidden": True},
    ModerationLog.Action.UNHIDE_TOPIC: {"hidden": False, "hidden_reason": ""},
}


def topic_moderate(
    *,
    moderator: User,
    topic: Topic,
    action: str,
    reason: str = "",
    target: Category | None = None,
) -> Topic:
    """Pin, unpin, lock, unlock, hide, restore or move (`target`) a topic, and log it.

    Hiding needs a reason. Raises PermissionDenied unless the user moderates the topic's
    category (and, for a move, the target category); ValidationError on bad input.
    """
    _require_moderator(moderator, topic.category)
    reason = _clean_reason(reason, required=action == ModerationLog.Action.HIDE_TOPIC)
    detail = ""
    if action == ModerationLog.Action.MOVE:
        if target is None:
            raise ValidationError({"target": _("Choose the category to move the topic to.")})
        _require_moderator(moderator, target)
        detail = f"{topic.category.slug} → {target.slug}"
        changes: dict[str, Any] = {"category": target}
    elif action in TOPIC_ACTIONS:
        changes = dict(TOPIC_ACTIONS[action])  # type: ignore[index,call-overload]
        if action == ModerationLog.Action.HIDE_TOPIC:
            changes["hidden_reason"] = reason
    else:
        raise ValidationError({"action": _("Unknown moderation action.")})
    with transaction.atomic():
        for field, value in changes.items():
            setattr(topic, field, value)
        topic.save(update_fields=[*changes.keys(), "updated_at"])
        ModerationLog.objects.create(
            moderator=moderator, action=action, topic=topic, reason=reason, detail=detail
        )
    return topic


def post_moderate(*, moderator: User, post: Post, action: str, reason: str = "") -> Post:
    """Hide (with reason), restore or approve a post, and log it; approval notifies."""
    topic = post.topic
    _require_moderator(moderator, topic.category)
    reason = _clean_reason(reason, required=action == ModerationLog.Action.HIDE_POST)
    with transaction.atomic():
        if action == ModerationLog.Action.HIDE_POST:
            post.hidden, post.hidden_reason = True, reason
            post.save(update_fields=["hidden", "hidden_reason", "updated_at"])
        elif action == ModerationLog.Action.UNHIDE_POST:
            post.hidden, post.hidden_reason = False, ""
            post.save(update_fields=["hidden", "hidden_reason", "updated_at"])
        elif action == ModerationLog.Action.APPROVE:
            if post.approved:
                return post
            post.approved = True
            post.save(update_fields=["approved", "updated_at"])
            locked = Topic.objects.select_for_update().get(pk=topic.pk)
            topic.post_count = locked.post_count + 1
            topic.last_post_at = max(filter(None, [locked.last_post_at, post.created_at]))
            topic.last_poster = post.author
            topic.approved = topic.approved or post.number == 1
            topic.save(
                update_fields=[
                    "post_count",
                    "last_post_at",
                    "last_poster",
                    "approved",
                    "updated_at",
                ]
            )
            _notify_for_post(post)
        else:
            raise ValidationError({"action": _("Unknown moderation action.")})
        ModerationLog.objects.create(
            moderator=moderator, action=action, topic=topic, post=post, reason=reason
        )
    return post


def post_report(*, user: User, post: Post, reason: str) -> Report:
    """Report a post to the moderators: one open report per user and post.

    Raises PermissionDenied (observers, own posts, unreadable posts), ValidationError
    without a reason or when the user's earlier report of the post is still open.
    """
    if not permissions.can_report_post(user, post):
        raise PermissionDenied(_("You cannot report this post."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say what is wrong with this post.")})
    if len(reason) > 500:
        raise ValidationError(
            {"reason": _("The reason can have at most %(n)d characters.") % {"n": 500}}
        )
    already = ValidationError(
        {"reason": _("You have already reported this post; the moderators will look at it.")}
    )
    if Report.objects.filter(post=post, reporter=user, resolved_at__isnull=True).exists():
        raise already
    try:
        with transaction.atomic():
            return Report.objects.create(post=post, reporter=user, reason=reason)
    except IntegrityError:  # the same report sent twice at once: the constraint decides
        raise already from None


def report_resolve(*, moderator: User, report: Report, reason: str = "") -> Report:
    """Close a report and log it."""
    _require_moderator(moderator, report.post.topic.category)
    with transaction.atomic():
        report.resolved_by = moderator
        report.resolved_at = timezone.now()
        report.save(update_fields=["resolved_by", "resolved_at"])
        ModerationLog.objects.create(
            moderator=moderator,
            action=ModerationLog.Action.RESOLVE_REPORT,
            topic=report.post.topic,
            post=report.post,
            reason=_clean_reason(reason, required=False),
        )
    return report
