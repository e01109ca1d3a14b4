"""Organisations, their curators, programmes, consent texts, invitations and materials."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    # The name in the genitive for printed letters («Лицея «Вектор»»), as its creator confirmed
    # it; NULL (organisations older than 0022) means computed when needed.
    name_genitive: Mapped[str | None] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))  # school, college, other
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Curator(Base):
    __tablename__ = "curators"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    full_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Programme(Base):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(255))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    forms: Mapped[list[str]] = mapped_column(JSON, default=list)
    cadence_days: Mapped[int] = mapped_column(Integer, default=14)
    state: Mapped[str] = mapped_column(String(16), default="preparing")  # running, completed
    curator_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    community_link: Mapped[str | None] = mapped_column(String(512))
    digest_weekday: Mapped[int] = mapped_column(Integer, default=0)  # Monday
    digest_time: Mapped[str] = mapped_column(String(5), default="09:00")
    # The weekly digest is due only at moments from here on: set when a curator chat is bound
    # or the day and time change, so the first digest comes at the next chosen moment (not
    # minutes later for this week's moment already past). None: every moment (older rows).
    digest_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The ISO week ("2026-W49", the organisation's zone) whose weekly digest was queued last:
    # the minute-by-minute check skips the programme without asking the outbox.
    digest_week: Mapped[str | None] = mapped_column(String(10))
    # Matching weights ({"requests": 5, ...}); None: the engine's defaults.
    match_weights: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The midterm control survey's date; None: the middle of the programme period.
    midterm_on: Mapped[date | None] = mapped_column(Date)
    # The final surveys go out this many days before ends_on (0: only when completed).
    final_surveys_days: Mapped[int] = mapped_column(Integer, default=7, server_default="7")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConsentText(Base):
    """A version of a programme's consent text; a consent record names the version accepted.
    Its words are ConsentTextBody rows, one per language."""

    __tablename__ = "consent_texts"
    __table_args__ = (UniqueConstraint("programme_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConsentTextBody(Base):
    """A consent text in one language: a new language is new rows, never a new column."""

    __tablename__ = "consent_text_bodies"

    consent_text_id: Mapped[int] = mapped_column(
        ForeignKey("consent_texts.id", ondelete="CASCADE"), primary_key=True)
    locale: Mapped[str] = mapped_column(String(8), primary_key=True)
    body: Mapped[str] = mapped_column(Text)


class Invitation(Base):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    # curator, mentor, mentee, or guardian (a link for one participant's parent)
    role: Mapped[str] = mapped_column(String(16))
    # A personal link: the child a guardian decides for, or a returning mentor's participation
    # in the previous cycle (bot/services/lifecycle/next_cycle.py). Never a programme's general link.
    participation_id: Mapped[int | None] = mapped_column(
        ForeignKey("participations.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    max_uses: Mapped[int | None] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Material(Base):
    """Methodical materials for mentors: a file sent to the bot, or a link."""

    __tablename__ = "materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(String(1024))
    telegram_file_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
