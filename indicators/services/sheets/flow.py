"""The one data-sheet import flow: every caller (page, API, command line, demo, upload job) goes
through the same checks in the same order.

1. `upload_check`: permission, an editable sheet, a known mode, then the files' number and sizes
   (before any file is read);
2. `datasheet_import_preview`: parse, other-country check, map, compare (nothing stored);
3. refusals: problems, then unconfirmed large changes, then unconfirmed removals;
4. `datasheet_import_apply`: the sheet's lock version, all or nothing, one event per file,
   the `import.sheet` log line.

`datasheet_import` runs all four at once from files in memory (API, command line, demo); the
page runs 1-2 with `datasheet_import_start` (staging the files, or queueing a job for a large
upload) and 3-4 with `datasheet_import_apply` once the focal point confirms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from indicators import permissions
from indicators.models import DataSheet, UploadJob
from indicators.services.sheets.common import IMPORT_MODES, MERGE
from indicators.services.sheets.importing import (
    ImportPreview,
    datasheet_import_apply,
    datasheet_import_preview,
    outliers_message,
    removal_labels,
)
from indicators.services.sheets.staging import upload_refusals, upload_stage
from portal.models import User

#: Why `datasheet_import` stored nothing (`ImportResult.refused`)
PROBLEMS, OUTLIERS, REMOVALS = "problems", "outliers", "removals"


@dataclass
class ImportResult:
    """What `datasheet_import` did: `refused` is "" when the values were stored."""

    preview: ImportPreview
    refused: str = ""
    #: the values a refused `replace` upload would have removed, as the pages name them
    removal_labels: list[str] = field(default_factory=list)

    @property
    def stored(self) -> bool:
        return not self.refused


@dataclass
class ImportStart:
    """A staged upload of the page: its token, and its preview or the job reading it."""

    token: str
    preview: ImportPreview | None = None
    job: UploadJob | None = None


def upload_check(
    *, sheet: DataSheet, user: User, files: Sequence[tuple[str, int]], mode: str = MERGE
) -> None:
    """The checks before any file is read, in this order: the country's focal point, a sheet
    that can still be changed, a known mode, the number and sizes of the files (name, size).

    Raises PermissionDenied, or ValidationError naming every refusal."""
    if not permissions.can_edit_country_sheets(user, sheet.country):
        raise PermissionDenied(_("Only the country's focal point can change this data sheet."))
    if not sheet.is_editable:
        raise ValidationError(
            _("This data sheet is %(status)s and cannot be changed.")
            % {"status": sheet.get_status_display()}
        )
    if mode not in IMPORT_MODES:
        raise ValidationError(
            _("Unknown upload mode %(mode)s: choose merge or replace.") % {"mode": mode}
        )
    refusals = upload_refusals(files)
    if refusals:
        raise ValidationError(refusals)


def datasheet_import(
    *,
    sheet: DataSheet,
    user: User,
    files: Sequence[tuple[str, bytes]],
    fmt: str | None = None,
    indicator: str | None = None,
    mode: str = MERGE,
    expected_lock_version: int | None = None,
    confirm_outliers: bool = False,
    confirm_removals: bool = False,
    address: str | None = None,
) -> ImportResult:
    """Import `files` (name, content) into `sheet` in one go, reading them from memory.

    A refused upload (problems, unconfirmed large changes or removals) stores nothing and says
    why in the result; PermissionDenied and ValidationError (limits, a locked or stale sheet)
    are raised. `expected_lock_version` None means the sheet as it is now."""
    files = list(files)
    upload_check(
        sheet=sheet, user=user, files=[(name, len(data)) for name, data in files], mode=mode
    )
    preview = datasheet_import_preview(
        sheet=sheet, user=user, files=files, fmt=fmt, indicator=indicator, mode=mode
    )
    refused = import_refusal(
        preview, confirm_outliers=confirm_outliers, confirm_removals=confirm_removals
    )
    if refused:
        labels = removal_labels(preview) if refused == REMOVALS else []
        return ImportResult(preview, refused, labels)
    datasheet_import_apply(
        sheet=sheet,
        user=user,
        files=files,
        expected_lock_version=(
            sheet.lock_version if expected_lock_version is None else expected_lock_version
        ),
        confirm_outliers=confirm_outliers,
        confirm_removals=confirm_removals,
        fmt=fmt,
        indicator=indicator,
        preview=preview,
        mode=mode,
        address=address,
    )
    return ImportResult(preview)


def import_refusal(
    preview: ImportPreview, *, confirm_outliers: bool, confirm_removals: bool
) -> str:
    """Why a previewed upload may not be stored yet ("" when it may), in the apply's order."""
    if not preview.ok:
        return PROBLEMS
    if preview.outliers and not confirm_outliers:
        return OUTLIERS
    if preview.removed and not confirm_removals:
        return REMOVALS
    return ""


def datasheet_import_start(
    *,
    sheet: DataSheet,
    user: User,
    files: Sequence[tuple[str, bytes]],
    fmt: str | None = None,
    indicator: str | None = None,
    mode: str = MERGE,
) -> ImportStart:
    """The page's first step: check and stage the files, then preview them here or, above
    `PORTAL_ASYNC_UPLOAD_BYTES`, queue a job that previews them in a worker."""
    from indicators.services.upload_jobs import upload_job_start

    files = list(files)
    upload_check(
        sheet=sheet, user=user, files=[(name, len(data)) for name, data in files], mode=mode
    )
    token = upload_stage(sheet=sheet, user=user, files=files)
    if sum(len(data) for _name, data in files) > settings.PORTAL_ASYNC_UPLOAD_BYTES:
        job = upload_job_start(
            sheet=sheet,
            user=user,
            token=token,
            files=[name for name, _data in files],
            fmt=fmt,
            indicator=indicator,
            mode=mode,
        )
        return ImportStart(token, job=job)
    preview = datasheet_import_preview(
        sheet=sheet, user=user, token=token, fmt=fmt, indicator=indicator, mode=mode
    )
    return ImportStart(token, preview=preview)


__all__ = [
    "OUTLIERS",
    "PROBLEMS",
    "REMOVALS",
    "ImportResult",
    "ImportStart",
    "datasheet_import",
    "datasheet_import_start",
    "import_refusal",
    "outliers_message",
    "upload_check",
]
