"""Writes of the indicators app."""

from indicators.services.reference import indicators_load
from indicators.services.sheets import (
    DiffLine,
    ImportPreview,
    StaleSheetError,
    datasheet_accept,
    datasheet_create,
    datasheet_import_apply,
    datasheet_import_preview,
    datasheet_return,
    datasheet_submit,
    observations_update,
    staged_uploads_sweep,
    upload_discard,
    upload_refusals,
    upload_stage,
)

__all__ = [
    "DiffLine",
    "ImportPreview",
    "StaleSheetError",
    "datasheet_accept",
    "datasheet_create",
    "datasheet_import_apply",
    "datasheet_import_preview",
    "datasheet_return",
    "datasheet_submit",
    "indicators_load",
    "observations_update",
    "staged_uploads_sweep",
    "upload_discard",
    "upload_refusals",
    "upload_stage",
]
