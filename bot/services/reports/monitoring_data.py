"""Stored monitoring answers of a programme, shaped for bot.services.reports.monitoring.report.

One query reads every completed monitoring response with its answers; a second counts the
participants who were asked the final survey (members of pairs that did not end early)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.lifecycle.monitoring_surveys import CONDITIONS_SURVEY, KINDS
from bot.services.reports import monitoring
from models import (
    Curator,
    Pair,
    PairState,
    Participation,
    Programme,
    SurveyAnswer,
    SurveyResponse,
)

MONITORING_SURVEYS = frozenset(
    kind.survey.format(role=role) for kind in KINDS.values() for role in monitoring.ROLES)


@dataclass(frozen=True)
class CuratorAnswers:
    """One curator's questionnaire about the programme's conditions."""

    name: str | None
    answers: dict[str, object]


@dataclass(frozen=True)
class ProgrammeMonitoring:
    records: list[monitoring.AnswerSet]
    invited: dict[tuple[str, str | None], int]
    names: dict[int, str]
    conditions: list[CuratorAnswers] = field(default_factory=list)

    def report(self) -> monitoring.MonitoringReport:
        return monitoring.report(self.records, self.invited)


async def load(session: AsyncSession, programme_id: int) -> ProgrammeMonitoring:
    rows = (await session.execute(
        select(SurveyResponse.id, SurveyResponse.participation_id, SurveyResponse.survey_id,
               Participation.role, Participation.form, Participation.full_name,
               SurveyAnswer.question_id, SurveyAnswer.value)
        .join(Participation, Participation.id == SurveyResponse.participation_id)
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .where(Participation.programme_id == programme_id,
               SurveyResponse.completed_at.is_not(None),
               SurveyResponse.survey_id.in_(MONITORING_SURVEYS))
        .order_by(SurveyResponse.id))).all()
    heads: dict[int, tuple[int, str, str, str | None]] = {}
    answers: dict[int, dict[str, object]] = defaultdict(dict)
    names: dict[int, str] = {}
    for response_id, pid, survey_id, role, form, name, question_id, value in rows:
        heads[response_id] = (pid, role, survey_id, form)
        answers[response_id][question_id] = value
        if name:
            names[pid] = name
    records = [monitoring.AnswerSet(pid, role, form, survey_id, answers[response_id])
               for response_id, (pid, role, survey_id, form) in heads.items()]

    member = (select(Pair.mentor_id.label("pid")).where(
        Pair.programme_id == programme_id, Pair.state != PairState.ENDED_EARLY)
        .union(select(Pair.mentee_id).where(
            Pair.programme_id == programme_id, Pair.state != PairState.ENDED_EARLY))).subquery()
    invited = {(role, form): count for role, form, count in (await session.execute(
        select(Participation.role, Participation.form, func.count())
        .where(Participation.id.in_(select(member.c.pid)), Participation.state != "withdrawn")
        .group_by(Participation.role, Participation.form))).all()}
    return ProgrammeMonitoring(records, invited, names,
                               await load_conditions(session, programme_id))


async def load_conditions(session: AsyncSession, programme_id: int) -> list[CuratorAnswers]:
    """The curators' completed questionnaires about the programme's conditions."""
    organisation_id = await session.scalar(
        select(Programme.organisation_id).where(Programme.id == programme_id))
    rows = (await session.execute(
        select(SurveyResponse.id, Curator.full_name, SurveyAnswer.question_id, SurveyAnswer.value)
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .outerjoin(Curator, (Curator.user_id == SurveyResponse.user_id)
                   & (Curator.organisation_id == organisation_id))
        .where(SurveyResponse.programme_id == programme_id,
               SurveyResponse.participation_id.is_(None),
               SurveyResponse.survey_id == CONDITIONS_SURVEY,
               SurveyResponse.completed_at.is_not(None))
        .order_by(SurveyResponse.id))).all()
    names: dict[int, str | None] = {}
    answers: dict[int, dict[str, object]] = defaultdict(dict)
    for response_id, name, question_id, value in rows:
        names[response_id] = name
        answers[response_id][question_id] = value
    return [CuratorAnswers(names[r], answers[r]) for r in names]
