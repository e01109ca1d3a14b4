"""Updates already handled, so a redelivered update (webhook retry, polling after a crash) has
its effect once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, PrimaryKeyConstraint, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class ProcessedUpdate(Base):
    __tablename__ = "processed_updates"
    __table_args__ = (PrimaryKeyConstraint("bot_id", "update_id"),)

    bot_id: Mapped[int] = mapped_column(BigInteger)
    update_id: Mapped[int] = mapped_column(BigInteger)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # The Bot API requests the update made after it had written, committed with its changes
    # and sent right after the commit (JSON); cleared once sent. A redelivered update whose
    # replies are still here sends them again instead of being handled again
    # (bot/runtime/update_unit.py).
    replies: Mapped[str | None] = mapped_column(Text, nullable=True)
