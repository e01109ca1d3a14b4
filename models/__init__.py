"""SQLAlchemy models. Importing this package registers every table on `Base.metadata`."""

from models.base import Base
from models.fsm import FsmRecord
from models.user import User

__all__ = ["Base", "FsmRecord", "User"]
