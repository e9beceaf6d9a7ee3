"""Pages of the indicators app: data sheets (`sheets.py`), the grid (`grid.py`), uploads with
their preview and confirmation (`uploads.py`); helpers in `common.py`. Every view is importable
from here, as `indicators/urls.py` uses them."""

from indicators.views.grid import sheet_grid_save
from indicators.views.sheets import (
    SHEET_PAGE_SIZE,
    index,
    indicator_list,
    sheet_create,
    sheet_detail,
    sheet_diff,
    sheet_review,
    sheet_submit,
    sheet_template,
    value_history,
)
from indicators.views.uploads import (
    UPLOAD_JOB_REFRESH_SECONDS,
    sheet_import_confirm,
    sheet_upload,
    upload_job,
)

__all__ = [
    "SHEET_PAGE_SIZE",
    "UPLOAD_JOB_REFRESH_SECONDS",
    "index",
    "indicator_list",
    "sheet_create",
    "sheet_detail",
    "sheet_diff",
    "sheet_grid_save",
    "sheet_import_confirm",
    "sheet_review",
    "sheet_submit",
    "sheet_template",
    "sheet_upload",
    "upload_job",
    "value_history",
]
