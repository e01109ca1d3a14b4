"""Matching state kept between a curator's presses: preferences participants named after a
get-together, and the curator's draft proposal (nothing is paired until the curator confirms)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class MatchPreference(Base):
    """`chooser` would like to work with `chosen` (participation ids of the same programme)."""

    __tablename__ = "match_preferences"
    __table_args__ = (
        UniqueConstraint("chooser_id", "chosen_id"),
        Index("ix_match_preferences_programme", "programme_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    chooser_id: Mapped[int] = mapped_column(ForeignKey("participations.id", ondelete="CASCADE"))
    chosen_id: Mapped[int] = mapped_column(ForeignKey("participations.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MatchDraft(Base):
    """One curator's draft for one programme. `pairs`: [[mentor_id, mentee_id, manual], ...];
    `unmatched`: {mentee_id: reason code}. Scores and reasons are recomputed when shown."""

    __tablename__ = "match_drafts"
    __table_args__ = (UniqueConstraint("programme_id", "curator_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    curator_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    pairs: Mapped[list[list[int]]] = mapped_column(JSON, default=list)
    unmatched: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
