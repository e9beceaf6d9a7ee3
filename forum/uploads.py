"""Attachment checks: size, and type by content (magic bytes), not by extension."""

from __future__ import annotations

import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

FORUM_DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS_PER_POST = 5

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"

# extension -> (content type, kind of check)
ALLOWED: dict[str, tuple[str, str]] = {
    ".pdf": ("application/pdf", "pdf"),
    ".png": ("image/png", "png"),
    ".jpg": ("image/jpeg", "jpeg"),
    ".jpeg": ("image/jpeg", "jpeg"),
    ".gif": ("image/gif", "gif"),
    ".webp": ("image/webp", "webp"),
    ".csv": ("text/csv", "csv"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "ooxml:word/",
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ooxml:xl/"),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "ooxml:ppt/",
    ),
    ".odt": (
        "application/vnd.oasis.opendocument.text",
        "odf:application/vnd.oasis.opendocument.text",
    ),
    ".ods": (
        "application/vnd.oasis.opendocument.spreadsheet",
        "odf:application/vnd.oasis.opendocument.spreadsheet",
    ),
    ".odp": (
        "application/vnd.oasis.opendocument.presentation",
        "odf:application/vnd.oasis.opendocument.presentation",
    ),
    ".doc": ("application/msword", "ole"),
    ".xls": ("application/vnd.ms-excel", "ole"),
    ".ppt": ("application/vnd.ms-powerpoint", "ole"),
}

_HTML_SNIFF = re.compile(rb"<\s*(!doctype|html|head|body|script|iframe|svg|\?xml)", re.IGNORECASE)


@dataclass(frozen=True)
class CheckedFile:
    name: str
    extension: str
    content_type: str
    size: int


def max_attachment_bytes() -> int:
    """The forum's limit: FORUM_MAX_UPLOAD_BYTES if set, never above PORTAL_MAX_UPLOAD_BYTES."""
    forum_limit = getattr(settings, "FORUM_MAX_UPLOAD_BYTES", FORUM_DEFAULT_MAX_BYTES)
    return min(int(forum_limit), int(settings.PORTAL_MAX_UPLOAD_BYTES))


def sanitise_filename(name: str) -> str:
    """A display- and header-safe file name: no path, no control or markup characters."""
    name = unicodedata.normalize("NFKC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in ("C", "Z") or ch == " ")
    name = re.sub(r"[<>:\"'`|?*;&%$#{}\[\]=]", "_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, ext = os.path.splitext(name)
    stem = stem[:100] or "file"
    return f"{stem}{ext.lower()[:10]}"


def _read_head(upload: UploadedFile, size: int = 8192) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _zip_names(upload: UploadedFile) -> list[str] | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)


def _zip_member(upload: UploadedFile, member: str) -> bytes:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return archive.read(member)[:200]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return b""
    finally:
        upload.seek(0)


def _looks_like_csv(upload: UploadedFile) -> bool:
    head = _read_head(upload, 65536)
    if b"\x00" in head or _HTML_SNIFF.search(head):
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _content_matches(upload: UploadedFile, check: str) -> bool:  # noqa: C901 - a flat table
    head = _read_head(upload)
    if check == "pdf":
        return head.startswith(b"%PDF-")
    if check == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if check == "jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if check == "gif":
        return head[:6] in (b"GIF87a", b"GIF89a")
    if check == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if check == "ole":
        return head.startswith(OLE)
    if check == "csv":
        return _looks_like_csv(upload)
    if check.startswith("ooxml:"):
        names = (_zip_names(upload) if head.startswith(ZIP) else None) or []
        prefix = check.split(":", 1)[1]
        return "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names)
    if check.startswith("odf:"):
        if not head.startswith(ZIP):
            return False
        return _zip_member(upload, "mimetype").strip() == check.split(":", 1)[1].encode()
    return False


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Validate one uploaded file; returns its safe name and detected type.

    Raises ValidationError (message names the file and the reason) when the file is empty,
    too large, of a type not accepted, or when its content does not match its extension.
    """
    name = sanitise_filename(upload.name or "")
    limit = max_attachment_bytes()
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    if size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED:
        raise ValidationError(
            _("%(name)s: this type of file is not accepted (PDF, Office documents, images, CSV).")
            % {"name": name}
        )
    content_type, check = ALLOWED[extension]
    if not _content_matches(upload, check):
        raise ValidationError(
            _("%(name)s: the content is not a %(ext)s file.")
            % {"name": name, "ext": extension[1:].upper()}
        )
    return CheckedFile(name=name, extension=extension, content_type=content_type, size=size)
