"""The data-sheet services: the lifecycle (`lifecycle.py`: create, submit, return, accept),
staged uploads (`staging.py`), importing (`importing.py`: preview and apply; `flow.py`: the one
`datasheet_import` entry every caller goes through), the database writes of an applied upload
(`storing.py`) and the grid (`grid.py`). Every name other modules use is importable from here."""

from indicators.services.sheets.common import (
    IMPORT_MODES,
    MERGE,
    REPLACE,
    RemovalsNotConfirmed,
    StaleSheetError,
)
from indicators.services.sheets.flow import (
    OUTLIERS,
    PROBLEMS,
    REMOVALS,
    ImportResult,
    ImportStart,
    datasheet_import,
    datasheet_import_start,
    import_refusal,
    upload_check,
)
from indicators.services.sheets.grid import GridResult, observations_update
from indicators.services.sheets.importing import (
    DiffLine,
    ImportPreview,
    country_named,
    datasheet_import_apply,
    datasheet_import_preview,
    removal_labels,
)
from indicators.services.sheets.lifecycle import (
    _copy_observations,
    datasheet_accept,
    datasheet_create,
    datasheet_return,
    datasheet_submit,
)
from indicators.services.sheets.staging import (
    STAGING_DIR,
    STAGING_MAX_AGE_SECONDS,
    stage_files,
    staged_uploads_sweep,
    upload_discard,
    upload_refusals,
    upload_stage,
)

__all__ = [
    "OUTLIERS",
    "PROBLEMS",
    "REMOVALS",
    "ImportResult",
    "ImportStart",
    "datasheet_import",
    "datasheet_import_start",
    "import_refusal",
    "upload_check",
    "IMPORT_MODES",
    "MERGE",
    "REPLACE",
    "STAGING_DIR",
    "STAGING_MAX_AGE_SECONDS",
    "DiffLine",
    "GridResult",
    "ImportPreview",
    "RemovalsNotConfirmed",
    "StaleSheetError",
    "_copy_observations",
    "country_named",
    "datasheet_accept",
    "datasheet_create",
    "datasheet_import_apply",
    "datasheet_import_preview",
    "datasheet_return",
    "datasheet_submit",
    "observations_update",
    "removal_labels",
    "stage_files",
    "staged_uploads_sweep",
    "upload_discard",
    "upload_refusals",
    "upload_stage",
]
