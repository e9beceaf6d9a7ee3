"""Models of the meetings app: meetings (meetings.py), the work programme (programme.py) and
capacity building and financing (capacity.py)."""

from .capacity import (
    ExpertProfile,
    Grant,
    Mission,
    TraineeCount,
    Trainer,
    Training,
    TrainingEvaluation,
)
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
    "ExpertProfile",
    "Grant",
    "DocumentVersion",
    "Meeting",
    "MeetingPartner",
    "Mission",
    "Objective",
    "Participant",
    "Session",
    "TraineeCount",
    "Trainer",
    "Training",
    "TrainingEvaluation",
    "Visibility",
]
