"""Writes of the forum. Every service validates, checks permissions and runs atomically."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVector
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Model, Q, Value
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forum import permissions
from forum.models import (
    Attachment,
    Category,
    ForumProfile,
    ModerationLog,
    Notification,
    Post,
    PostRevision,
    Report,
    Subscription,
    Topic,
    TopicReadState,
)
from forum.rendering import HANDLE_PATTERN, find_mentions, link_mentions, render_markdown
from portal.logging import log_event
from portal.models import User
from portal.outbox import enqueue
from portal.uploads import MAX_ATTACHMENTS_PER_POST
from portal.uploads import check_attachment as check_upload

TITLE_MIN, TITLE_MAX = 5, 200
logger = logging.getLogger(__name__)

SOURCE_MAX = 50_000
REASON_MAX = 300
LANGUAGES = ("en", "es")
SEARCH_CONFIGS = {"en": "english", "es": "spanish"}


class RateLimited(Exception):
    """The user posted too often; `retry_after` seconds until the window resets."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


# --- profiles and handles -------------------------------------------------------------

HANDLE_RE = re.compile(rf"^{HANDLE_PATTERN}$")


def _handle_base(email: str) -> str:
    local = email.split("@", 1)[0].lower()
    base = re.sub(r"[^a-z0-9._-]+", "", local).strip("._-")[:24]
    return base or "member"


def forum_profile_get_or_create(*, user: User) -> ForumProfile:
    """The user's forum profile, created with a unique handle from the e-mail's local part."""
    try:
        return user.forum_profile  # type: ignore[attr-defined,no-any-return]
    except ForumProfile.DoesNotExist:
        pass
    base = _handle_base(user.email)
    for attempt in range(1, 200):
        handle = base if attempt == 1 else f"{base}{attempt}"
        try:
            with transaction.atomic():
                profile, _created = ForumProfile.objects.get_or_create(
                    user=user, defaults={"handle": handle}
                )
            user.forum_profile = profile  # type: ignore[attr-defined]
            return profile
        except IntegrityError:
            continue
    raise RuntimeError("no free forum handle")  # pragma: no cover - 200 namesakes


def forum_profile_update(*, user: User, handle: str) -> ForumProfile:
    """Change the user's handle. Raises ValidationError naming `handle` when invalid or taken."""
    handle = (handle or "").strip().lstrip("@").lower()
    if not HANDLE_RE.match(handle):
        raise ValidationError(
            {
                "handle": _(
                    "Use 1 to 30 letters, digits, dots, hyphens or underscores, "
                    "starting and ending with a letter or digit."
                )
            }
        )
    profile = forum_profile_get_or_create(user=user)
    if ForumProfile.objects.filter(handle=handle).exclude(pk=profile.pk).exists():
        raise ValidationError({"handle": _("This handle is already taken.")})
    with transaction.atomic():
        profile.handle = handle
        profile.save(update_fields=["handle", "updated_at"])
    return profile


# --- rate limit ---------------------------------------------------------------------


def _rate_key(user: User) -> tuple[str, int]:
    window = 60
    now = int(time.time())
    return f"forum:posts:{user.pk}:{now // window}", window - now % window


def posting_rate_check(*, user: User) -> None:
    """Raise RateLimited when the user has posted FORUM_POSTS_PER_MINUTE times this minute."""
    limit = int(getattr(settings, "FORUM_POSTS_PER_MINUTE", 10))
    key, retry_after = _rate_key(user)
    if int(cache.get(key, 0)) >= limit:
        raise RateLimited(retry_after)


def _posting_rate_record(user: User) -> None:
    key, _retry = _rate_key(user)
    if not cache.add(key, 1, 61):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, 61)


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


# --- validation -----------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if len(title) < TITLE_MIN:
        raise ValidationError(
            {"title": _("The title needs at least %(n)d characters.") % {"n": TITLE_MIN}}
        )
    if len(title) > TITLE_MAX:
        raise ValidationError(
            {"title": _("The title can have at most %(n)d characters.") % {"n": TITLE_MAX}}
        )
    return title


def _clean_source(source: str) -> str:
    source = (source or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not source:
        raise ValidationError({"source": _("Write something: the text is empty.")})
    if len(source) > SOURCE_MAX:
        raise ValidationError(
            {"source": _("The text can have at most %(n)d characters.") % {"n": SOURCE_MAX}}
        )
    return source


def _clean_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValidationError({"language": _("Choose English or Spanish.")})
    return language


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = " ".join((reason or "").split())
    if required and not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("The reason can have at most %(n)d characters.") % {"n": REASON_MAX}}
        )
    return reason


def _check_files(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, Any]]:
    if len(files) > MAX_ATTACHMENTS_PER_POST:
        raise ValidationError(
            {"attachments": _("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS_PER_POST}}
        )
    checked = []
    errors = []
    for upload in files:
        try:
            checked.append((upload, check_upload(upload)))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"attachments": errors})
    return checked


def _store_attachments(
    post: Post, user: User, checked: list[tuple[UploadedFile, Any]], stored: list[Attachment]
) -> None:
    """Save the files; `stored` collects them so a failed transaction can delete them."""
    for upload, info in checked:
        attachment = Attachment(
            post=post,
            token=uuid.uuid4().hex,
            extension=info.extension,
            name=info.name,
            content_type=info.content_type,
            size=info.size,
            uploaded_by=user,
        )
        upload.seek(0)
        attachment.file.save(info.name, upload, save=False)
        stored.append(attachment)
        attachment.save()


def _delete_files(stored: list[Attachment]) -> None:
    for attachment in stored:
        attachment.file.delete(save=False)


# --- topics and posts -----------------------------------------------------------------


def _is_new_user(user: User) -> bool:
    return not Post.objects.filter(author=user, approved=True).exists()


def _needs_approval(user: User, category: Category) -> bool:
    return (
        category.require_approval
        and not permissions.can_moderate_category(user, category)
        and _is_new_user(user)
    )


def topic_create(
    *,
    user: User,
    category: Category,
    title: str,
    source: str,
    language: str = "en",
    files: Sequence[UploadedFile] = (),
    subject: Model | None = None,
    notify: bool = True,
    enforce_rate_limit: bool = True,
) -> Topic:
    """Start a topic in `category` with its first post; returns the topic.

    Raises PermissionDenied when the user may not start topics there (or attach files),
    ValidationError (by field: title, source, language, attachments, subject) on bad
    input, RateLimited when posting too fast. Nothing is stored unless all is valid.
    `notify=False` and `enforce_rate_limit=False` are for demo and benchmark loaders.
    """
    if not permissions.can_start_topic(user, category):
        raise PermissionDenied(_("You cannot start topics in this category."))
    if files and not permissions.can_attach(user, category):
        raise PermissionDenied(_("You cannot attach files in this category."))
    title = _clean_title(title)
    source = _clean_source(source)
    language = _clean_language(language)
    checked = _check_files(files)
    if enforce_rate_limit:
        posting_rate_check(user=user)
    content_type = None
    if subject is not None:
        from forum.links import can_link

        if not can_link(user, subject):
            raise ValidationError({"subject": _("Topics cannot be attached to this object.")})
        content_type = ContentType.objects.get_for_model(subject)
    forum_profile_get_or_create(user=user)
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            approved = not _needs_approval(user, category)
            now = timezone.now()
            topic = Topic.objects.create(
                category=category,
                title=title,
                author=user,
                language=language,
                approved=approved,
                last_post_at=now,
                last_poster=user,
                content_type=content_type,
                object_id=subject.pk if subject is not None else None,
            )
            post = _post_insert(
                user=user, topic=topic, source=source, language=language, approved=approved
            )
            _store_attachments(post, user, checked, stored)
            Subscription.objects.get_or_create(user=user, topic=topic)
            TopicReadState.objects.create(user=user, topic=topic, last_read_number=1)
            if approved and notify:
                _notify_for_post(post)
    except BaseException:
        _delete_files(stored)
        raise
    _posting_rate_record(user)
    return topic


def _post_insert(
    *,
    user: User,
    topic: Topic,
    source: str,
    language: str,
    approved: bool,
    reply_to: Post | None = None,
) -> Post:
    locked = Topic.objects.select_for_update().get(pk=topic.pk)
    number = locked.last_post_number + 1
    html, _mentioned = _render(source)
    post = Post.objects.create(
        topic=topic,
        number=number,
        author=user,
        reply_to=reply_to,
        source=source,
        html=html,
        language=language,
        approved=approved,
    )
    topic.last_post_number = number
    fields = ["last_post_number", "updated_at"]
    if approved:
        topic.post_count = locked.post_count + 1
        topic.last_post_at = post.created_at
        topic.last_poster = user
        fields += ["post_count", "last_post_at", "last_poster"]
    topic.save(update_fields=fields)
    _update_search_vector(post)
    return post


def post_create(
    *,
    user: User,
    topic: Topic,
    source: str,
    language: str = "en",
    reply_to: Post | None = None,
    files: Sequence[UploadedFile] = (),
    notify: bool = True,
    enforce_rate_limit: bool = True,
) -> Post:
    """Reply in `topic` (optionally to one post); returns the post.

    Raises PermissionDenied when the topic is locked or unreadable or the user may not
    reply or attach, ValidationError on bad input, RateLimited when posting too fast.
    """
    if not permissions.can_reply(user, topic):
        raise PermissionDenied(_("You cannot reply in this topic."))
    if files and not permissions.can_attach(user, topic.category):
        raise PermissionDenied(_("You cannot attach files in this category."))
    if reply_to is not None and (
        reply_to.topic_id != topic.pk or not permissions.can_read_post(user, reply_to)
    ):
        raise ValidationError({"reply_to": _("You can only reply to a post of this topic.")})
    source = _clean_source(source)
    language = _clean_language(language)
    checked = _check_files(files)
    if enforce_rate_limit:
        posting_rate_check(user=user)
    forum_profile_get_or_create(user=user)
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            approved = not _needs_approval(user, topic.category)
            post = _post_insert(
                user=user,
                topic=topic,
                source=source,
                language=language,
                approved=approved,
                reply_to=reply_to,
            )
            _store_attachments(post, user, checked, stored)
            Subscription.objects.get_or_create(user=user, topic=topic)
            TopicReadState.objects.update_or_create(
                user=user, topic=topic, defaults={"last_read_number": post.number}
            )
            if approved and notify:
                _notify_for_post(post)
    except BaseException:
        _delete_files(stored)
        raise
    _posting_rate_record(user)
    return post


def post_edit(
    *, user: User, post: Post, source: str, reason: str = "", title: str | None = None
) -> Post:
    """Edit a post, keeping the previous text as a revision with the editor and reason.

    `title` changes the topic's title (first post only). Raises PermissionDenied when the
    user may not edit the post, ValidationError on bad input.
    """
    if not permissions.can_edit_post(user, post):
        raise PermissionDenied(_("You cannot edit this post."))
    source = _clean_source(source)
    reason = _clean_reason(reason, required=False)
    topic = post.topic
    new_title = _clean_title(title) if title is not None and post.number == 1 else topic.title
    if source == post.source and new_title == topic.title:
        return post
    with transaction.atomic():
        PostRevision.objects.create(
            post=post,
            source=post.source,
            html=post.html,
            title=topic.title if post.number == 1 else "",
            editor=user,
            reason=reason,
        )
        post.source = source
        post.html, _profiles = _render(source)
        post.edit_count += 1
        post.edited_at = timezone.now()
        post.save(update_fields=["source", "html", "edit_count", "edited_at", "updated_at"])
        if new_title != topic.title:
            topic.title = new_title
            topic.save(update_fields=["title", "updated_at"])
        _update_search_vector(post)
        if post.author_id != user.pk:
            ModerationLog.objects.create(
                moderator=user,
                action=ModerationLog.Action.EDIT,
                topic=topic,
                post=post,
                reason=reason,
            )
    return post


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


def _render_mentions_only(source: str) -> tuple[str, list[ForumProfile]]:
    return "", _profiles_for_handles(find_mentions(source))


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
