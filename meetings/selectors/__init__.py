"""Reads of the meetings app: what a user may see, the calendar, statistics, the programme.

One module per concern: meetings (visibility, the calendar, a meeting page), actions (open
follow-up actions, attention items), statistics (participation statistics and chart) and
programme (bienniums, timeline, biennium report). Every name is re-exported here, so
`meetings.selectors.<name>` keeps working."""

from .actions import attention_items, open_actions
from .meetings import (
    ORGANISING_ROLES,
    CalendarFilters,
    Participation,
    _with_counts,
    calendar,
    filter_choices,
    meeting_for_page,
    meeting_page,
    participant_list,
    participation,
    visible_meetings,
)
from .programme import (
    ActivityReport,
    Timeline,
    TimelineBar,
    _activity_tree,
    biennium_report,
    bienniums,
    timeline,
)
from .statistics import (
    Bar,
    Statistics,
    StatRow,
    _aggregate,
    _rows,
    chart_bars,
    participation_statistics,
)

__all__ = [
    "ORGANISING_ROLES",
    "ActivityReport",
    "Bar",
    "CalendarFilters",
    "Participation",
    "StatRow",
    "Statistics",
    "Timeline",
    "TimelineBar",
    "_activity_tree",
    "_aggregate",
    "_rows",
    "_with_counts",
    "attention_items",
    "biennium_report",
    "bienniums",
    "calendar",
    "chart_bars",
    "filter_choices",
    "meeting_for_page",
    "meeting_page",
    "open_actions",
    "participant_list",
    "participation",
    "participation_statistics",
    "timeline",
    "visible_meetings",
]
