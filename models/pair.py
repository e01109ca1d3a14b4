"""Mentoring pairs and their individual plans. A mentor with several mentees forms a group:
one Pair row per mentee, sharing the mentor."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class PairState:
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"  # with a reason; the mentee can be matched again


PAIR_STAGES = ("intro", "trial", "planning", "regular", "final")


class Pair(Base):
    __tablename__ = "pairs"
    __table_args__ = (
        Index("ix_pairs_programme_state", "programme_id", "state"),
        Index("ix_pairs_mentor", "mentor_id"),
        Index("ix_pairs_mentee", "mentee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("participations.id", ondelete="CASCADE"))
    mentee_id: Mapped[int] = mapped_column(ForeignKey("participations.id", ondelete="CASCADE"))
    form: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default=PairState.ACTIVE)
    stage: Mapped[str] = mapped_column(String(16), default="intro")
    score: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str | None] = mapped_column(String(255))


class PlanGoal(Base):
    """A goal of a pair's individual plan (up to 10), with a target date and progress."""

    __tablename__ = "plan_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(255))
    target_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="not_started")  # in_progress, done
    comment: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
