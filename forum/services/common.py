"""Shared pieces of the forum's services: limits, errors, profiles and handles, the posting rate limit and the checks of titles, texts, reasons and attached files."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from forum.models import (
    Attachment,
    ForumProfile,
    Post,
)
from forum.rendering import HANDLE_PATTERN
from portal.models import User
from portal.uploads import MAX_ATTACHMENTS_PER_POST
from portal.uploads import check_attachment as check_upload

TITLE_MIN, TITLE_MAX = 5, 200
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
        return user.forum_profile
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
            user.forum_profile = profile
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
