"""Outgoing bot-initiated messages: the database is the source of truth for what must be sent.

Nothing is pre-rendered: a row holds a translation key with parameters, rendered in the
recipient's language and timezone when it is sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class OutboxState:
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        # The claim query: due pending rows and stale "sending" ones.
        Index("ix_outbox_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_outbox_chat_id_state", "chat_id", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    locale: Mapped[str | None] = mapped_column(String(8))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(16), default=OutboxState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Scheduling the same thing twice creates it once: "meeting:42:reminder:24h:user:7".
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)


class OutboxSubject(Base):
    """Whose personal data a message holds besides its recipient's own: a participation (a
    name, an answer) or an account (text the person typed, a curator's name). /forget of any
    of them erases the message's content, pending or sent (bot/services/people/privacy.py)."""

    __tablename__ = "outbox_subjects"
    __table_args__ = (
        PrimaryKeyConstraint("outbox_id", "kind", "subject_id"),
        Index("ix_outbox_subjects_kind_subject_id", "kind", "subject_id"),
    )

    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # "participation" or "user"
    subject_id: Mapped[int] = mapped_column(Integer)
