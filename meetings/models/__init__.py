"""Models of the meetings app: meetings, their sessions and agenda (meetings.py), documents
(documents.py), participants (participants.py), conclusions and follow-up actions (actions.py),
the work programme (programme.py), capacity building and financing (capacity.py), fund-raising
consultations (financing.py) and the reported participant mix by type of institution
(attendance.py)."""

from .actions import ActionItem, Conclusion
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
from .documents import Document, DocumentVersion
from .financing import Consultation
from .meetings import AgendaItem, Meeting, MeetingPartner, Session, Visibility
from .participants import Participant
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
