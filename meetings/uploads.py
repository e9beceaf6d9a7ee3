"""Checks an uploaded document by its content, not by the name it claims.

Accepted: PDF, Office (OOXML and legacy OLE2, OpenDocument), PNG/JPEG/GIF/WebP images,
CSV and plain text. Refused: everything else, notably HTML, SVG, XML and executables,
and any file whose extension does not match what its bytes are.
"""

from __future__ import annotations

import os
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

OOXML = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
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
    b"\x89PNG\r\n\x1a\n": ("image/png", {"png"}),
    b"\xff\xd8\xff": ("image/jpeg", {"jpg", "jpeg"}),
    b"GIF87a": ("image/gif", {"gif"}),
    b"GIF89a": ("image/gif", {"gif"}),
}
TEXT = {"txt": "text/plain", "csv": "text/csv"}
ALLOWED_EXTENSIONS = sorted(
    {"pdf", "webp", *OOXML, *ODF, *OLE, *TEXT}
    | {ext for _t, exts in IMAGES.values() for ext in exts}
)
_MARKUP = re.compile(rb"<\s*(!doctype|html|svg|script|\?xml|body|iframe)", re.IGNORECASE)


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int


def safe_file_name(name: str) -> str:
    """A file name without paths, control characters or surprises; keeps the extension."""
    name = os.path.basename(name.replace("\\", "/"))
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem, _dot, ext = name.rpartition(".")
    if not _dot:
        stem, ext = name, ""
    stem = get_valid_filename(stem.strip(" .")) if stem.strip(" .") else ""
    stem = stem[:120] or "document"
    ext = re.sub(r"[^a-z0-9]", "", ext.lower())[:8]
    return f"{stem}.{ext}" if ext else stem


def storage_name(name: str) -> str:
    """The name on disk: unguessable and never colliding."""
    return f"{uuid.uuid4().hex[:12]}-{name}"


def _sniff_zip(handle: IO[bytes]) -> dict[str, str]:
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "ignore").strip()
                return {ext: t for ext, t in ODF.items() if t == mimetype}
            if "[Content_Types].xml" in names:
                prefixes = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
                return {
                    ext: OOXML[ext]
                    for ext, prefix in prefixes.items()
                    if any(n.startswith(prefix) for n in names)
                }
    except (zipfile.BadZipFile, OSError, ValueError):
        return {}
    return {}


def _sniff_text(head: bytes) -> dict[str, str]:
    if b"\x00" in head or _MARKUP.search(head):
        return {}
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 4:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return {}
    return dict(TEXT)


def sniff(handle: IO[bytes]) -> dict[str, str]:
    """Extensions (with their content type) that the file's bytes are compatible with."""
    handle.seek(0)
    head = handle.read(8192)
    handle.seek(0)
    if head.startswith(b"%PDF-"):
        return {"pdf": "application/pdf"}
    for magic, (content_type, exts) in IMAGES.items():
        if head.startswith(magic):
            return dict.fromkeys(exts, content_type)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return {"webp": "image/webp"}
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return dict(OLE)
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(handle)
    if head.startswith((b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")):
        return {}
    return _sniff_text(head)


def check_upload(upload: object, *, max_bytes: int) -> CheckedFile:
    """Validate an uploaded file; returns its safe name and real content type.

    Raises ValidationError on the `file` field naming the reason: empty, too large,
    a type that is not accepted, or an extension that does not match the content.
    """
    size = int(getattr(upload, "size", 0) or 0)
    name = safe_file_name(str(getattr(upload, "name", "") or "document"))
    if size == 0:
        raise ValidationError({"file": _("File: the file is empty.")})
    if size > max_bytes:
        raise ValidationError(
            {
                "file": _("File: %(name)s is %(size)s MB; the limit is %(limit)s MB.")
                % {
                    "name": name,
                    "size": f"{size / 1048576:.1f}",
                    "limit": f"{max_bytes / 1048576:.1f}",
                }
            }
        )
    ext = name.rpartition(".")[2] if "." in name else ""
    if ext not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            {
                "file": _(
                    "File: “.%(ext)s” files are not accepted. Accepted: PDF, Office documents, images (PNG, JPEG, GIF, WebP), CSV and plain text."
                )
                % {"ext": ext or "?"}
            }
        )
    kinds = sniff(upload)  # type: ignore[arg-type]
    if ext not in kinds:
        raise ValidationError(
            {
                "file": _(
                    "File: the content of %(name)s is not a .%(ext)s file (it may be disguised by its extension); it was refused."
                )
                % {"name": name, "ext": ext}
            }
        )
    return CheckedFile(name=name, content_type=kinds[ext], size=size)
