"""Models of the meetings app: meetings (meetings.py), the work programme (programme.py) and
capacity building and financing (capacity.py), fund-raising consultations (financing.py) and the
reported participant mix by type of institution (attendance.py)."""

from .attendance import InstitutionType, ParticipantGroup
from .capacity import (
    ExpertProfile,
    Grant,
    Mission,
    TraineeCount,
    Trainer,
    Training,
    TrainingEvaluation,
)
from .financing import Consultation
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
    "Consultation",
    "Document",
    "ExpertProfile",
    "Grant",
    "InstitutionType",
    "DocumentVersion",
    "Meeting",
    "MeetingPartner",
    "Mission",
    "Objective",
    "Participant",
    "ParticipantGroup",
    "Session",
    "TraineeCount",
    "Trainer",
    "Training",
    "TrainingEvaluation",
    "Visibility",
]
