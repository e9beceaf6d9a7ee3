"""Topics and posts: create a topic, reply, edit (with revisions and attachments)."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import permissions
from forum.models import (
    Attachment,
    Category,
    ModerationLog,
    Post,
    PostRevision,
    Subscription,
    Topic,
    TopicReadState,
)
from forum.services.common import (
    _check_files,
    _clean_language,
    _clean_reason,
    _clean_source,
    _clean_title,
    _delete_files,
    _posting_rate_record,
    _store_attachments,
    forum_profile_get_or_create,
    posting_rate_check,
)
from forum.services.notifications import _notify_for_post
from forum.services.search import _render, _update_search_vector
from portal.models import User

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
