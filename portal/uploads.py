"""Uploaded files checked by their content, not by the name they claim.

One sniffer for the whole portal: PDF, Office (OOXML, legacy OLE2, OpenDocument), PNG, JPEG,
GIF and WebP images, CSV and plain text. Everything else is refused, notably HTML, SVG, XML
and executables, and so is any file whose extension does not match what its bytes are.
Each kind of upload states what it accepts and how its refusals read (`UploadRules`): forum
attachments (`check_attachment`) and meeting documents (`check_document`).
"""

from __future__ import annotations

import os
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

OOXML = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
ODF = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
OLE = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}
IMAGES = {
    b"\x89PNG\r\n\x1a\n": ("image/png", ("png",)),
    b"\xff\xd8\xff": ("image/jpeg", ("jpg", "jpeg")),
    b"GIF87a": ("image/gif", ("gif",)),
    b"GIF89a": ("image/gif", ("gif",)),
}
TEXT = {"txt": "text/plain", "csv": "text/csv"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")
_MARKUP = re.compile(rb"<\s*(!doctype|html|head|body|script|iframe|svg|\?xml)", re.IGNORECASE)
TEXT_SAMPLE_BYTES = 65536


def _sniff_zip(handle: IO[bytes]) -> dict[str, str]:
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:200].decode("ascii", "ignore").strip()
                return {ext: t for ext, t in ODF.items() if t == mimetype}
            if "[Content_Types].xml" in names:
                return {
                    ext: OOXML[ext]
                    for ext, part in OOXML_PARTS.items()
                    if any(n.startswith(part) for n in names)
                }
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return {}
    finally:
        handle.seek(0)
    return {}


def _sniff_text(sample: bytes) -> dict[str, str]:
    if b"\x00" in sample or _MARKUP.search(sample):
        return {}
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8 text.
        if exc.start < len(sample) - 4:
            try:
                sample.decode("cp1252")
            except UnicodeDecodeError:
                return {}
    return dict(TEXT)


def sniff(handle: IO[bytes]) -> dict[str, str]:
    """The extensions (with their content type) that the file's bytes are compatible with."""
    handle.seek(0)
    head = handle.read(TEXT_SAMPLE_BYTES)
    handle.seek(0)
    if head.startswith(b"%PDF-"):
        return {"pdf": "application/pdf"}
    for magic, (content_type, extensions) in IMAGES.items():
        if head.startswith(magic):
            return dict.fromkeys(extensions, content_type)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return {"webp": "image/webp"}
    if head.startswith(OLE_MAGIC):
        return dict(OLE)
    if head.startswith(ZIP_MAGIC):
        return _sniff_zip(handle)
    if head.startswith(EXECUTABLE_MAGIC):
        return {}
    return _sniff_text(head)


# --- file names ----------------------------------------------------------------------


def sanitise_filename(name: str) -> str:
    """A display- and header-safe file name that keeps its letters (accents, scripts): no
    path, no control or markup characters; the extension lower-cased."""
    name = unicodedata.normalize("NFKC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in ("C", "Z") or ch == " ")
    name = re.sub(r"[<>:\"'`|?*;&%$#{}\[\]=]", "_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, ext = os.path.splitext(name)
    stem = stem[:100] or "file"
    return f"{stem}{ext.lower()[:10]}"


def ascii_filename(name: str, *, default: str = "document") -> str:
    """A plain ASCII file name without paths, spaces or surprises; keeps the extension."""
    name = os.path.basename(name.replace("\\", "/"))
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = get_valid_filename(stem.strip(" .")) if stem.strip(" .") else ""
    stem = stem[:120] or default
    ext = re.sub(r"[^a-z0-9]", "", ext.lower())[:8]
    return f"{stem}.{ext}" if ext else stem


def storage_name(name: str) -> str:
    """The name on disk: unguessable and never colliding."""
    return f"{uuid.uuid4().hex[:12]}-{name}"


# --- checking an upload ----------------------------------------------------------------


class Refusal(Enum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    NOT_ACCEPTED = "not_accepted"
    NOT_MATCHING = "not_matching"


@dataclass(frozen=True)
class CheckedFile:
    name: str
    extension: str  # with its dot: ".pdf"
    content_type: str
    size: int


@dataclass(frozen=True)
class UploadRules:
    """What one kind of upload accepts, how it names files, and how it words a refusal."""

    extensions: frozenset[str]
    clean_name: Callable[[str], str]
    refuse: Callable[[Refusal, CheckedFile, int], ValidationError]


def check_upload(upload: object, *, max_bytes: int, rules: UploadRules) -> CheckedFile:
    """Validate an uploaded file against `rules`; returns its clean name and real type.

    Raises the ValidationError `rules.refuse` words when the file is empty, larger than
    `max_bytes`, of a type not accepted, or when its content does not match its extension.
    """
    size = int(getattr(upload, "size", 0) or 0)
    name = rules.clean_name(str(getattr(upload, "name", "") or ""))
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    file = CheckedFile(name=name, extension=f".{ext}" if ext else "", content_type="", size=size)
    if size == 0:
        raise rules.refuse(Refusal.EMPTY, file, max_bytes)
    if size > max_bytes:
        raise rules.refuse(Refusal.TOO_LARGE, file, max_bytes)
    if ext not in rules.extensions:
        raise rules.refuse(Refusal.NOT_ACCEPTED, file, max_bytes)
    kinds = sniff(upload)  # type: ignore[arg-type]
    if ext not in kinds:
        raise rules.refuse(Refusal.NOT_MATCHING, file, max_bytes)
    return replace(file, content_type=kinds[ext])


# --- forum attachments -------------------------------------------------------------------

FORUM_DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS_PER_POST = 5


def max_attachment_bytes() -> int:
    """The forum's limit: FORUM_MAX_UPLOAD_BYTES if set, never above PORTAL_MAX_UPLOAD_BYTES."""
    forum_limit = getattr(settings, "FORUM_MAX_UPLOAD_BYTES", FORUM_DEFAULT_MAX_BYTES)
    return min(int(forum_limit), int(settings.PORTAL_MAX_UPLOAD_BYTES))


def _attachment_refusal(refusal: Refusal, file: CheckedFile, limit: int) -> ValidationError:
    name = file.name
    if refusal is Refusal.EMPTY:
        return ValidationError(_("%(name)s is empty.") % {"name": name})
    if refusal is Refusal.TOO_LARGE:
        return ValidationError(
            _("%(name)s is %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(file.size), "limit": filesizeformat(limit)}
        )
    if refusal is Refusal.NOT_ACCEPTED:
        return ValidationError(
            _("%(name)s: this type of file is not accepted (PDF, Office documents, images, CSV).")
            % {"name": name}
        )
    return ValidationError(
        _("%(name)s: the content is not a %(ext)s file.")
        % {"name": name, "ext": file.extension[1:].upper()}
    )


ATTACHMENTS = UploadRules(
    extensions=frozenset({"pdf", "png", "jpg", "jpeg", "gif", "webp", "csv", *OOXML, *ODF, *OLE}),
    clean_name=sanitise_filename,
    refuse=_attachment_refusal,
)


def check_attachment(upload: object) -> CheckedFile:
    """A forum attachment, within the forum's limit; ValidationError (not tied to a field)
    naming the file and the reason otherwise."""
    return check_upload(upload, max_bytes=max_attachment_bytes(), rules=ATTACHMENTS)


# --- meeting documents ----------------------------------------------------------------------


def _document_refusal(refusal: Refusal, file: CheckedFile, limit: int) -> ValidationError:
    if refusal is Refusal.EMPTY:
        message = _("File: the file is empty.")
    elif refusal is Refusal.TOO_LARGE:
        message = _("File: %(name)s is %(size)s MB; the limit is %(limit)s MB.") % {
            "name": file.name,
            "size": number_format(file.size / 1048576, 1),
            "limit": number_format(limit / 1048576, 1),
        }
    elif refusal is Refusal.NOT_ACCEPTED:
        message = _(
            "File: “.%(ext)s” files are not accepted. Accepted: PDF, Office documents, images (PNG, JPEG, GIF, WebP), CSV and plain text."
        ) % {"ext": file.extension[1:] or "?"}
    else:
        message = _(
            "File: the content of %(name)s is not a .%(ext)s file (it may be disguised by its extension); it was refused."
        ) % {"name": file.name, "ext": file.extension[1:]}
    return ValidationError({"file": message})


DOCUMENTS = UploadRules(
    extensions=frozenset(
        {"pdf", "png", "jpg", "jpeg", "gif", "webp", "csv", "txt", *OOXML, *ODF, *OLE}
    ),
    clean_name=ascii_filename,
    refuse=_document_refusal,
)
ALLOWED_DOCUMENT_EXTENSIONS = sorted(DOCUMENTS.extensions)


def check_document(upload: object, *, max_bytes: int) -> CheckedFile:
    """A meeting document: ValidationError on the `file` field naming the reason otherwise."""
    return check_upload(upload, max_bytes=max_bytes, rules=DOCUMENTS)
