"""SQLAlchemy models. Importing this package registers every table on `Base.metadata`."""

from models.base import Base
from models.fsm import FsmRecord
from models.outbox import OutboxMessage, OutboxState
from models.user import User

__all__ = ["Base", "FsmRecord", "OutboxMessage", "OutboxState", "User"]
