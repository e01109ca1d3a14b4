"""A programme's roadmap (дорожная карта): items with deadlines, the people responsible for
them, the curator's reminder settings and the draft of an import waiting for confirmation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class RoadmapStatus:
    UPCOMING = "upcoming"
    DONE = "done"
    REMOVED = "removed"  # gone from a re-imported document


class RoadmapItem(Base):
    __tablename__ = "roadmap_items"
    __table_args__ = (
        # Re-import updates the row with the same key instead of adding a duplicate.
        UniqueConstraint("programme_id", "match_key"),
        Index("ix_roadmap_items_programme_status_ends", "programme_id", "status", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    match_key: Mapped[str] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(Integer, default=0)
    number: Mapped[str | None] = mapped_column(String(32))
    section: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    content: Mapped[str | None] = mapped_column(Text)
    deadline_text: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16), default="undated")
    recurrence: Mapped[str | None] = mapped_column(String(16))
    result: Mapped[str | None] = mapped_column(Text)
    # The «Ответственные» cell as written, for lists and the digest (one query, no join).
    responsible_text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=RoadmapStatus.UPCOMING)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    done_comment: Mapped[str | None] = mapped_column(Text)
    done_file_id: Mapped[str | None] = mapped_column(String(255))
    extension_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    extension_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    extension_reason: Mapped[str | None] = mapped_column(Text)
    extension_new_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class RoadmapResponsible(Base):
    """One entry of an item's «Ответственные»: a person (a participation or a curator), a role
    (mentor, curator, …) or nobody yet; only confirmed entries get reminders."""

    __tablename__ = "roadmap_responsibles"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("roadmap_items.id", ondelete="CASCADE"), index=True)
    raw: Mapped[str] = mapped_column(String(255))
    participation_id: Mapped[int | None] = mapped_column(
        ForeignKey("participations.id", ondelete="SET NULL"))
    curator_id: Mapped[int | None] = mapped_column(ForeignKey("curators.id", ondelete="SET NULL"))
    role: Mapped[str | None] = mapped_column(String(32))
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class RoadmapSettings(Base):
    __tablename__ = "roadmap_settings"

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True)
    # Days before a deadline to remind on; 0 is the day itself.
    reminder_offsets: Mapped[list[int]] = mapped_column(JSON, default=lambda: [7, 1, 0])
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RoadmapDraft(Base):
    """A parsed document waiting for the curator's confirmation; survives a restart."""

    __tablename__ = "roadmap_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
