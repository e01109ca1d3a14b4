"""SQLAlchemy models. Importing this package registers every table on `Base.metadata`."""

from models.announcement import Announcement
from models.base import Base
from models.channel import PairMessage
from models.fsm import FsmRecord
from models.matching import MatchDraft, MatchPreference
from models.meeting import MEETING_KINDS, Meeting, MeetingFormat, MeetingPair, MeetingState
from models.outbox import OutboxMessage, OutboxState, OutboxSubject
from models.pair import PAIR_STAGES, Pair, PairState, PlanGoal
from models.participation import (
    ConsentRecord,
    Participation,
    ParticipationState,
    PracticeMark,
    SurveyAnswer,
    SurveyResponse,
)
from models.processed_update import ProcessedUpdate
from models.programme import (
    ConsentText,
    ConsentTextBody,
    Curator,
    Invitation,
    Material,
    Organisation,
    Programme,
)
from models.region import (
    Region,
    RegionCoordinator,
    RegionInvitation,
    RegionOrganisation,
    RegionSnapshot,
)
from models.roadmap import (
    RoadmapDraft,
    RoadmapItem,
    RoadmapResponsible,
    RoadmapSettings,
    RoadmapStatus,
)
from models.update_journal import JournaledUpdate
from models.user import User

__all__ = [
    "Announcement",
    "Base",
    "ConsentRecord",
    "ConsentText",
    "ConsentTextBody",
    "Curator",
    "FsmRecord",
    "JournaledUpdate",
    "Invitation",
    "MatchDraft",
    "MatchPreference",
    "MEETING_KINDS",
    "Material",
    "Meeting",
    "MeetingFormat",
    "MeetingPair",
    "MeetingState",
    "Organisation",
    "OutboxMessage",
    "OutboxState",
    "OutboxSubject",
    "PAIR_STAGES",
    "Pair",
    "PairMessage",
    "PairState",
    "Participation",
    "ParticipationState",
    "PlanGoal",
    "PracticeMark",
    "ProcessedUpdate",
    "Programme",
    "Region",
    "RegionCoordinator",
    "RegionInvitation",
    "RegionOrganisation",
    "RegionSnapshot",
    "RoadmapDraft",
    "RoadmapItem",
    "RoadmapResponsible",
    "RoadmapSettings",
    "RoadmapStatus",
    "SurveyAnswer",
    "SurveyResponse",
    "User",
]
