"""Writes of the indicators app."""

from indicators.services.reference import indicators_load
from indicators.services.sheets import (
    IMPORT_MODES,
    MERGE,
    REPLACE,
    DiffLine,
    GridResult,
    ImportPreview,
    RemovalsNotConfirmed,
    StaleSheetError,
    datasheet_accept,
    datasheet_create,
    datasheet_import_apply,
    datasheet_import_preview,
    datasheet_return,
    datasheet_submit,
    observations_update,
    removal_labels,
    upload_stage,
)

__all__ = [
    "IMPORT_MODES",
    "MERGE",
    "REPLACE",
    "DiffLine",
    "GridResult",
    "ImportPreview",
    "RemovalsNotConfirmed",
    "StaleSheetError",
    "datasheet_accept",
    "datasheet_create",
    "datasheet_import_apply",
    "datasheet_import_preview",
    "datasheet_return",
    "datasheet_submit",
    "indicators_load",
    "observations_update",
    "removal_labels",
    "upload_stage",
]
