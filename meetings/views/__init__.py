"""Pages of the meetings app. Views parse input, check permissions, call one service.

One module per page family: meeting_pages (calendar, a meeting, its iCalendar files, sessions
and agenda), registration (registering and the list of participants), documents, follow_up
(conclusions and follow-up actions) and work_programme (statistics, programme and bienniums).
Every view is re-exported here, so `meetings.views.<name>` keeps working."""

from .documents import document_download, document_upload
from .follow_up import action_update, actions, outcomes
from .meeting_pages import (
    detail,
    feed_ics,
    index,
    item_add,
    meeting_create,
    meeting_edit,
    meeting_ics,
    session_add,
)
from .registration import participants, register, unregister
from .work_programme import (
    biennium_detail,
    biennium_report,
    biennium_xlsx,
    programme,
    statistics,
    statistics_csv,
    statistics_xlsx,
)

__all__ = [
    "action_update",
    "actions",
    "biennium_detail",
    "biennium_report",
    "biennium_xlsx",
    "detail",
    "document_download",
    "document_upload",
    "feed_ics",
    "index",
    "item_add",
    "meeting_create",
    "meeting_edit",
    "meeting_ics",
    "outcomes",
    "participants",
    "programme",
    "register",
    "session_add",
    "statistics",
    "statistics_csv",
    "statistics_xlsx",
    "unregister",
]
