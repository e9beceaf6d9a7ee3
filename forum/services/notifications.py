"""Notifications (in the portal and by e-mail, immediately or daily), read marks and subscriptions."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forum import permissions
from forum.models import (
    Category,
    Notification,
    Post,
    Subscription,
    Topic,
    TopicReadState,
)
from forum.services.search import _render_mentions_only
from portal.logging import log_event
from portal.models import User
from portal.outbox import enqueue

logger = logging.getLogger(__name__)

# --- notifications --------------------------------------------------------------------

_PRIORITY = {
    Notification.Kind.MENTION: 0,
    Notification.Kind.REPLY: 1,
    Notification.Kind.NEW_TOPIC: 2,
    Notification.Kind.WATCHING: 3,
}


def _notify_for_post(post: Post) -> list[Notification]:
    """Notify mentioned users, the author replied to, and watchers; e-mail on commit."""
    topic = post.topic
    wanted: dict[int, tuple[str, User]] = {}

    def want(user: User, kind: str) -> None:
        current = wanted.get(user.pk)
        if current is None or _PRIORITY[kind] < _PRIORITY[current[0]]:  # type: ignore[index]
            wanted[user.pk] = (kind, user)

    _html, profiles = _render_mentions_only(post.source)
    for profile in profiles:
        want(profile.user, Notification.Kind.MENTION)
    if post.reply_to is not None:
        want(post.reply_to.author, Notification.Kind.REPLY)
    watcher_kind = Notification.Kind.NEW_TOPIC if post.number == 1 else Notification.Kind.WATCHING
    for sub in Subscription.objects.filter(topic=topic).select_related("user__organisation"):
        want(sub.user, Notification.Kind.WATCHING)
    for sub in Subscription.objects.filter(category_id=topic.category_id).select_related(
        "user__organisation"
    ):
        want(sub.user, watcher_kind)
    notifications = [
        Notification(user=user, kind=kind, actor=post.author, topic=topic, post=post)
        for kind, user in wanted.values()
        if user.pk != post.author_id and user.is_active and permissions.can_read_post(user, post)
    ]
    Notification.objects.bulk_create(notifications)
    immediate = [
        n.pk
        for n in notifications
        if n.user.email_notifications == User.Digest.IMMEDIATE and n.pk is not None
    ]
    if immediate:
        # Through the outbox: with the broker down the post is saved at once and the e-mails
        # leave when the sweep publishes the task (portal/outbox.py).
        enqueue("forum.tasks.send_notification_emails", immediate, key=f"forum-post:{post.pk}")
    return notifications


def _site_url() -> str:
    return str(getattr(settings, "PORTAL_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")


def notifications_email_immediate(*, notification_ids: Iterable[int]) -> int:
    """E-mail each not yet e-mailed notification to its recipient; returns how many were sent."""
    sent = 0
    for notification in Notification.objects.filter(
        pk__in=list(notification_ids), emailed_at__isnull=True, read_at__isnull=True
    ).select_related("user", "actor", "topic", "post"):
        user = notification.user
        if not user.is_active or user.email_notifications != User.Digest.IMMEDIATE:
            continue
        with translation.override(user.language or "en"):
            subject = _("[Forum] %(actor)s %(what)s: %(title)s") % {
                "actor": notification.actor or _("someone"),
                "what": notification.get_kind_display(),
                "title": notification.topic.title,
            }
            body = render_to_string(
                "forum/email/notification.txt",
                {"notification": notification, "site_url": _site_url()},
            )
        send_mail(subject, body, None, [user.email])
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    log_event(logger, "email.forum_immediate", sent=sent)
    return sent


def notifications_email_digest(*, now: datetime | None = None) -> int:
    """Send one digest e-mail per daily-digest user with unread, un-e-mailed notifications.

    Returns the number of e-mails sent. Safe to run more than once a day: a notification
    is e-mailed at most once.
    """
    now = now or timezone.now()
    pending = (
        Notification.objects.filter(
            emailed_at__isnull=True,
            read_at__isnull=True,
            user__is_active=True,
            user__email_notifications=User.Digest.DAILY,
        )
        .select_related("user", "actor", "topic")
        .order_by("user_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = {}
    for notification in pending:
        by_user.setdefault(notification.user_id, []).append(notification)
    sent = 0
    for items in by_user.values():
        user = items[0].user
        with translation.override(user.language or "en"):
            subject = _("[Forum] Your daily digest: %(n)d new notifications") % {"n": len(items)}
            body = render_to_string(
                "forum/email/digest.txt",
                {"notifications": items, "user": user, "site_url": _site_url()},
            )
        with transaction.atomic():
            send_mail(subject, body, None, [user.email])
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
        sent += 1
    log_event(
        logger, "email.forum_digest", sent=sent, notifications=sum(map(len, by_user.values()))
    )
    return sent


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (all, or `ids`) read; returns how many changed."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now())


def topic_mark_read(
    *, user: User, topic: Topic, number: int, state: TopicReadState | None = None
) -> None:
    """Remember that the user has read `topic` up to post `number` (never goes back)."""
    if state is None:
        TopicReadState.objects.get_or_create(
            user=user, topic=topic, defaults={"last_read_number": number}
        )
    elif state.last_read_number < number:
        TopicReadState.objects.filter(pk=state.pk, last_read_number__lt=number).update(
            last_read_number=number, updated_at=timezone.now()
        )
    Notification.objects.filter(
        user=user, topic=topic, read_at__isnull=True, post__number__lte=number
    ).update(read_at=timezone.now())


def subscription_toggle(
    *, user: User, topic: Topic | None = None, category: Category | None = None
) -> bool:
    """Start or stop watching a topic or a category; returns True when now watching."""
    target_category = category if category is not None else topic.category  # type: ignore[union-attr]
    if topic is not None and not permissions.can_read_topic(user, topic):
        raise PermissionDenied
    if not permissions.can_read_category(user, target_category):
        raise PermissionDenied
    with transaction.atomic():
        lookup: dict[str, Any] = (
            {"user": user, "topic": topic} if topic else {"user": user, "category": category}
        )
        deleted, _detail = Subscription.objects.filter(**lookup).delete()
        if deleted:
            return False
        Subscription.objects.create(**lookup)
        return True
