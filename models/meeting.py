"""Meetings of pairs: planned (proposed, confirmed), logged (done), or not held.

A group meeting covers several pairs of one mentor: one Meeting row, one MeetingPair row per
pair. Feedback lives in the survey tables (SurveyResponse context "meeting:<id>")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

MEETING_KINDS = ("intro", "trial", "planning", "regular", "final")


class MeetingState:
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DONE = "done"
    CANCELLED = "cancelled"
    MISSED = "missed"


class MeetingFormat:
    OFFLINE = "offline"
    ONLINE = "online"


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (
        Index("ix_meetings_mentor_state", "mentor_id", "state"),
        Index("ix_meetings_programme_starts", "programme_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("participations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # False: only the day is known (a meeting logged without a time: starts_at is then a
    # stand-in, the moment of logging or noon); shown as the day alone everywhere.
    time_given: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    format: Mapped[str | None] = mapped_column(String(16))
    place: Mapped[str | None] = mapped_column(String(255))  # a place or a link
    state: Mapped[str] = mapped_column(String(16), default=MeetingState.PROPOSED)
    # The participation that proposed (or last moved) it; its counterpart confirms.
    proposed_by: Mapped[int | None] = mapped_column(
        ForeignKey("participations.id", ondelete="SET NULL"))
    # iCalendar SEQUENCE: bumped each time a confirmed meeting moves.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    logged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A logging card's identity: a double tap on «Готово» finds the log it already made.
    log_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    note: Mapped[str | None] = mapped_column(Text)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class MeetingPair(Base):
    __tablename__ = "meeting_pairs"
    __table_args__ = (UniqueConstraint("meeting_id", "pair_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
