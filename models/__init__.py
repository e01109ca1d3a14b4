"""SQLAlchemy models. Importing this package registers every table on `Base.metadata`."""

from models.base import Base
from models.fsm import FsmRecord
from models.participation import (
    ConsentRecord,
    Participation,
    ParticipationState,
    SurveyAnswer,
    SurveyResponse,
)
from models.programme import ConsentText, Curator, Invitation, Material, Organisation, Programme
from models.user import User

__all__ = [
    "Base",
    "ConsentRecord",
    "ConsentText",
    "Curator",
    "FsmRecord",
    "Invitation",
    "Material",
    "Organisation",
    "Participation",
    "ParticipationState",
    "Programme",
    "SurveyAnswer",
    "SurveyResponse",
    "User",
]
