"""A person's role in a programme, their consent records and questionnaire answers.

Personal data (name, answers) is written only after consent; withdrawal erases it and leaves an
anonymous row so the programme's statistics still add up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class ParticipationState:
    GUARDIAN_PENDING = "guardian_pending"  # a minor waits for a parent's consent
    QUESTIONNAIRE = "questionnaire"  # consent given, questionnaire not finished
    READY = "ready"
    PAIRED = "paired"
    WITHDRAWN = "withdrawn"  # consent withdrawn or refused by the guardian: anonymous


class Participation(Base):
    __tablename__ = "participations"
    __table_args__ = (Index("ix_participations_programme_role_state", "programme_id", "role", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # mentor, mentee
    state: Mapped[str] = mapped_column(String(24))
    age_group: Mapped[str] = mapped_column(String(16))
    form: Mapped[str | None] = mapped_column(String(64))
    full_name: Mapped[str | None] = mapped_column(String(255))
    guardian_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ConsentRecord(Base):
    """Proof of a consent decision: who, which text version, when, how."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column(
        ForeignKey("participations.id", ondelete="CASCADE"), index=True)
    consent_text_id: Mapped[int] = mapped_column(ForeignKey("consent_texts.id"))
    subject: Mapped[str] = mapped_column(String(16))  # self, guardian
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision: Mapped[str] = mapped_column(String(16))  # accepted, declined, withdrawn
    method: Mapped[str] = mapped_column(String(32), default="telegram_button")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SurveyResponse(Base):
    """One person's answers to one survey in one context. A participant answers through their
    participation; a curator (who has none) answers as a user about a programme, e.g. the
    questionnaire about the programme's conditions."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("participation_id", "survey_id", "context"),
        UniqueConstraint("user_id", "survey_id", "context"),
        CheckConstraint("participation_id IS NOT NULL OR user_id IS NOT NULL", name="owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int | None] = mapped_column(
        ForeignKey("participations.id", ondelete="CASCADE"))
    # A curator's own answers: erased with the account (/forget deletes the user).
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    survey_id: Mapped[str] = mapped_column(String(64))
    survey_version: Mapped[int] = mapped_column(Integer)
    # What the answers are about: "profile", "meeting:42", "midterm" ...
    context: Mapped[str] = mapped_column(String(64), default="profile")
    # The meeting a feedback response is about (context "meeting:<id>"), as a key the figures
    # join on: a join on the parsed context left the plan to the statistics (a nested loop over
    # every response and meeting right after a bulk load on PostgreSQL).
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SurveyAnswer(Base):
    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    # Text, a number or the chosen options (AnswerValue of bot/services/surveys/validation.py);
    # a skipped question's None is stored as JSON null, so the column stays NOT NULL.
    value: Mapped[str | int | list[str] | None] = mapped_column(JSON, nullable=False)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PracticeMark(Base):
    """A pair's story (a reflection response) the curator chose for the base of good practices.
    It goes with the response: when the author erases their data, the mark goes too."""

    __tablename__ = "practice_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), unique=True)
    marked_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
