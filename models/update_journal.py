"""Updates fetched by long polling and not yet handled.

Polling confirms a batch to Telegram (the next getUpdates' offset) only after its updates are
written here; a row goes when its update's handling has finished. After a crash the rows left
are handled first: nothing a person sent is lost, and Telegram need not send in-flight updates
again and again (bot/runtime/polling.py). Rows live for seconds; see README, "Privacy"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, PrimaryKeyConstraint, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class JournaledUpdate(Base):
    __tablename__ = "update_journal"
    __table_args__ = (PrimaryKeyConstraint("bot_id", "update_id"),)

    bot_id: Mapped[int] = mapped_column(BigInteger)
    update_id: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[str] = mapped_column(Text)  # the update as Telegram sent it (JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
