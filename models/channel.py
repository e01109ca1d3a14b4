"""The pair's channel: one row per message a participant sent to their pair through the bot.

Only what the curator's counts need (which pair, which side, what kind, when): never the content.
The content itself travels in the outbox rows that deliver it, declared as the sender's data,
and is erased there after the retention period or by /forget (docs/pair-channel.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class PairMessage(Base):
    __tablename__ = "pair_messages"
    __table_args__ = (Index("ix_pair_messages_pair_sent", "pair_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"))
    sender_role: Mapped[str] = mapped_column(String(16))  # mentor, mentee
    kind: Mapped[str] = mapped_column(String(16))  # text, photo, document, voice
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
