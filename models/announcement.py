"""A curator's announcement to a programme's mentors, mentees or everyone. The messages
themselves are outbox rows (`announcement:<id>:user:<uid>`); this row remembers who wrote it
and whether the curator has had the delivery summary."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class Announcement(Base):
    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    audience: Mapped[str] = mapped_column(String(16))  # mentor, mentee, all
    text: Mapped[str] = mapped_column(Text)  # HTML-escaped, as sent
    recipients: Mapped[int] = mapped_column(Integer, default=0)  # messages queued
    skipped_unreachable: Mapped[int] = mapped_column(Integer, default=0)  # known blocked
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    summary_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
