"""Models of the meetings app: meetings (meetings.py) and the work programme (programme.py)."""

from .meetings import (
    ActionItem,
    AgendaItem,
    Conclusion,
    Document,
    DocumentVersion,
    Meeting,
    MeetingPartner,
    Participant,
    Session,
    Visibility,
)
from .programme import Activity, Biennium, Objective

__all__ = [
    "ActionItem",
    "Activity",
    "AgendaItem",
    "Biennium",
    "Conclusion",
    "Document",
    "DocumentVersion",
    "Meeting",
    "MeetingPartner",
    "Objective",
    "Participant",
    "Session",
    "Visibility",
]
