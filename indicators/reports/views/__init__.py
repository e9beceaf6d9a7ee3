"""Report pages: progress table, country profile, indicator page, discrepancies, cases, runs.

Every page reads stored results only (the engine never runs in a request, except
eagerly in the embedded setup after a button). Results come from published data
only, so every logged-in member may read them; only the coordinator starts runs.
Each table page answers ``?export=csv`` and ``?export=xlsx``.

Split by page family: ``progress``, ``results`` (country profile, indicator page),
``discrepancies`` (report and cases), ``case_stats`` (case statistics), ``runs``; shared helpers in ``common``. Every
view stays importable from ``indicators.reports.views``.
"""

from indicators.reports.views.case_stats import case_statistics
from indicators.reports.views.common import SOURCES
from indicators.reports.views.discrepancies import (
    DISCREPANCY_SORTS,
    case_detail,
    case_list,
    discrepancy_report,
)
from indicators.reports.views.progress import progress
from indicators.reports.views.results import (
    PROFILE_EXPORT,
    SORTS,
    country_profile,
    indicator_detail,
)
from indicators.reports.views.runs import run_detail, run_list, run_start

__all__ = [
    "DISCREPANCY_SORTS",
    "PROFILE_EXPORT",
    "SORTS",
    "SOURCES",
    "case_detail",
    "case_list",
    "case_statistics",
    "country_profile",
    "discrepancy_report",
    "indicator_detail",
    "progress",
    "run_detail",
    "run_list",
    "run_start",
]
