"""A pair's progress for the curator's /pairs list and card: meetings held, the last meeting's
date, the last feedback score and the plan (goals done / total); and the list's filters (by
stage, at risk). A fixed number of grouped queries for any number of pairs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.meetings import cadence as meetings_status
from bot.services.reports.programme_stats import (
    FEEDBACK_SURVEY,
    USEFULNESS,
    meeting_id_of_context,
    score_of,
)
from models import (
    PAIR_STAGES,
    Meeting,
    MeetingPair,
    MeetingState,
    Organisation,
    PlanGoal,
    Programme,
    SurveyAnswer,
    SurveyResponse,
)

PAGE = 10
FILTERS = ("all", "risk", *PAIR_STAGES)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


@dataclass(frozen=True)
class PairProgress:
    meetings: int = 0
    last_meeting_on: date | None = None
    last_score: float | None = None  # average usefulness of the last scored meeting
    goals_done: int = 0
    goals_total: int = 0


async def progress(session: AsyncSession, programme_id: int, pair_ids: list[int]
                   ) -> dict[int, PairProgress]:
    """Progress of the given pairs of a programme (four queries whatever their number)."""
    if not pair_ids:
        return {}
    timezone = await session.scalar(
        select(Organisation.timezone).join(Programme, Programme.organisation_id
                                           == Organisation.id).where(Programme.id == programme_id))
    zone = ZoneInfo(timezone or "UTC")
    held = dict.fromkeys(pair_ids, (0, None))
    for pair_id, count, last in await session.execute(
            select(MeetingPair.pair_id, func.count(), func.max(Meeting.starts_at))
            .join(Meeting, Meeting.id == MeetingPair.meeting_id)
            .where(MeetingPair.pair_id.in_(pair_ids), Meeting.state == MeetingState.DONE)
            .group_by(MeetingPair.pair_id)):
        held[pair_id] = (count, _utc(last).astimezone(zone).date())
    scores: dict[int, tuple] = {}
    for pair_id, starts, score in await session.execute(
            select(MeetingPair.pair_id, Meeting.starts_at, func.avg(score_of(SurveyAnswer.value)))
            .join(Meeting, Meeting.id == MeetingPair.meeting_id)
            .join(SurveyResponse, meeting_id_of_context() == Meeting.id)
            .join(SurveyAnswer, (SurveyAnswer.response_id == SurveyResponse.id)
                  & (SurveyAnswer.question_id == USEFULNESS))
            .where(MeetingPair.pair_id.in_(pair_ids), SurveyResponse.survey_id == FEEDBACK_SURVEY,
                   SurveyResponse.completed_at.is_not(None))
            .group_by(MeetingPair.pair_id, Meeting.id, Meeting.starts_at)):
        starts = _utc(starts)
        if pair_id not in scores or starts > scores[pair_id][0]:
            scores[pair_id] = (starts, float(score) if score is not None else None)
    goals = {pair_id: (int(done or 0), total) for pair_id, done, total in await session.execute(
        select(PlanGoal.pair_id, func.sum(case((PlanGoal.status == "done", 1), else_=0)),
               func.count()).where(PlanGoal.pair_id.in_(pair_ids)).group_by(PlanGoal.pair_id))}
    return {pair_id: PairProgress(held[pair_id][0], held[pair_id][1],
                                  scores.get(pair_id, (None, None))[1],
                                  *goals.get(pair_id, (0, 0)))
            for pair_id in pair_ids}


async def at_risk_ids(session: AsyncSession, programme_id: int, today: date) -> set[int]:
    return {p.pair_id for p in await meetings_status.pairs_at_risk(session, programme_id, today)}


def check_filter(name: str) -> str:
    return name if name in FILTERS else "all"
