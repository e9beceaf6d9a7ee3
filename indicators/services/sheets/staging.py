"""Uploaded files kept aside (not in the database) between the preview and the confirmation."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from indicators.models import (
    DataSheet,
)
from portal.models import User

STAGING_SALT = "indicators.staged-upload"

STAGING_DIR = "staging"
#: Staged files nobody applied are deleted after this long (the token expires then too).
STAGING_MAX_AGE_SECONDS = 24 * 3600


def _mb(size: int) -> str:
    return number_format(size / 2**20, 1)


def upload_refusals(files: Sequence[tuple[str, int]]) -> list[str]:
    """Why the files of one upload request are refused, before any is read: how many are
    sent, each file's size and their total, each message naming the file and the limit."""
    from django.conf import settings

    refusals = []
    most, limit, total_limit = (
        settings.PORTAL_MAX_UPLOAD_FILES,
        settings.PORTAL_MAX_UPLOAD_BYTES,
        settings.PORTAL_MAX_UPLOAD_TOTAL_BYTES,
    )
    if len(files) > most:
        refusals.append(
            _("%(count)s files were sent; at most %(limit)s are accepted in one upload.")
            % {"count": len(files), "limit": most}
        )
    for name, size in files:
        if size > limit:
            refusals.append(
                _("%(name)s is %(size)s MB; the limit is %(limit)s MB.")
                % {"name": name, "size": _mb(size), "limit": _mb(limit)}
            )
    total = sum(size for _name, size in files)
    if total > total_limit:
        refusals.append(
            _("The files sent together are %(size)s MB; the limit for one upload is %(limit)s MB.")
            % {"size": _mb(total), "limit": _mb(total_limit)}
        )
    return refusals


def upload_stage(*, sheet: DataSheet, user: User, files: Iterable[tuple[str, bytes]]) -> str:
    """Keep uploaded files aside (not in the database) until the focal point confirms.

    Returns a signed token naming the staged files, bound to this user and sheet. Staged files
    are deleted once applied or refused, and after STAGING_MAX_AGE_SECONDS in any case (swept
    here, and by the `staged_uploads_sweep` task).
    """
    staged_uploads_sweep()
    folder, names = stage_files(files)
    return signing.dumps(
        {"folder": folder, "files": names, "user": user.pk, "sheet": sheet.pk}, salt=STAGING_SALT
    )


def stage_files(
    files: Iterable[tuple[str, bytes]], prefix: str = ""
) -> tuple[str, list[tuple[str, str]]]:
    """Save files in a new staging folder: (folder, [(stored name, original name)])."""
    folder = f"{STAGING_DIR}/{prefix}{uuid.uuid4().hex}"
    names = []
    for index, (name, data) in enumerate(files):
        safe = f"{index:02d}-{get_valid_filename(name)[-120:] or 'upload'}"
        default_storage.save(f"{folder}/{safe}", ContentFile(data))
        names.append((safe, name))
    return folder, names


def upload_discard(*, token: str, sheet: DataSheet, user: User) -> None:
    """Delete the files staged under this token (nothing happens for an unknown token)."""
    try:
        folder, names = _staged(token, sheet=sheet, user=user)
    except ValidationError:
        return
    _unstage(folder, names)


def staged_uploads_sweep(*, max_age_seconds: int = STAGING_MAX_AGE_SECONDS) -> int:
    """Delete staged uploads older than `max_age_seconds`; returns how many files went."""
    if not default_storage.exists(STAGING_DIR):
        return 0
    cutoff = timezone.now() - timedelta(seconds=max_age_seconds)
    deleted = 0
    folders, _files = default_storage.listdir(STAGING_DIR)
    for folder in folders:
        path = f"{STAGING_DIR}/{folder}"
        _subfolders, files = default_storage.listdir(path)
        old = [f for f in files if default_storage.get_modified_time(f"{path}/{f}") < cutoff]
        for name in old:
            default_storage.delete(f"{path}/{name}")
        deleted += len(old)
        if len(old) == len(files):
            _remove_folder(path)
    return deleted


def _remove_folder(path: str) -> None:
    """Remove an emptied staging folder (file-system storage only: others have no folders)."""
    try:
        os.rmdir(default_storage.path(path))
    except (NotImplementedError, OSError):
        pass


def _staged(token: str, *, sheet: DataSheet, user: User) -> tuple[str, list[tuple[str, str]]]:
    try:
        payload = signing.loads(token, salt=STAGING_SALT, max_age=STAGING_MAX_AGE_SECONDS)
    except signing.BadSignature as exc:
        raise ValidationError(
            _("This upload expired or was not yours: upload the files again.")
        ) from exc
    if payload["user"] != user.pk or payload["sheet"] != sheet.pk:
        raise ValidationError(_("This upload expired or was not yours: upload the files again."))
    return payload["folder"], [tuple(pair) for pair in payload["files"]]


def _staged_contents(token: str, *, sheet: DataSheet, user: User) -> list[tuple[str, bytes]]:
    """The staged files' (original name, content)."""
    folder, names = _staged(token, sheet=sheet, user=user)
    contents = []
    for safe, original in names:
        if not default_storage.exists(f"{folder}/{safe}"):
            raise ValidationError(
                _(
                    "These files were already stored, or the upload expired: upload them again if needed."
                )
            )
        with default_storage.open(f"{folder}/{safe}", "rb") as handle:
            contents.append((original, handle.read()))
    return contents


def _unstage(folder: str, names: list[tuple[str, str]]) -> None:
    for safe, _original in names:
        default_storage.delete(f"{folder}/{safe}")
    _remove_folder(folder)
