"""A pair's progress for the curator's /pairs list and card: meetings held, the last meeting's
date, the last feedback score and the plan (goals done / total); and the list's filters (by
stage, at risk). Five queries for any number of pairs (the curator's dashboard asks for 1,000)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.meetings import cadence as meetings_status
from bot.services.pairs import pairs
from bot.services.reports.programme_stats import (
    FEEDBACK_SURVEY,
    USEFULNESS,
    score_of,
)
from models import (
    PAIR_STAGES,
    Meeting,
    MeetingPair,
    MeetingState,
    Organisation,
    Pair,
    Participation,
    PlanGoal,
    Programme,
    SurveyAnswer,
    SurveyResponse,
)

PAGE = 10
FEW = 50  # up to this many pairs, feedback is looked up by their members
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
    held: dict[int, tuple[int, date | None]] = dict.fromkeys(pair_ids, (0, None))
    for pair_id, count, last in await session.execute(
            select(MeetingPair.pair_id, func.count(), func.max(Meeting.starts_at))
            .join(Meeting, Meeting.id == MeetingPair.meeting_id)
            .where(MeetingPair.pair_id.in_(pair_ids), Meeting.state == MeetingState.DONE)
            .group_by(MeetingPair.pair_id)):
        held[pair_id] = (count, _utc(last).astimezone(zone).date())
    # Scores per meeting (the programme's feedback grouped by its meeting), then the pairs'
    # meetings, matched here (a join of meetings to responses on the context parsed in SQL had
    # the databases scan the responses once per meeting: 2-3 s for a board of 1,000 pairs).
    by_meeting: dict[int, float | None] = {}
    # A few pairs (the /pairs page, a pair's card): their members' answers only.
    whose = (SurveyResponse.participation_id.in_(
        select(Pair.mentor_id).where(Pair.id.in_(pair_ids))
        .union_all(select(Pair.mentee_id).where(Pair.id.in_(pair_ids))))
        if len(pair_ids) <= FEW else Participation.programme_id == programme_id)
    for meeting_id, score in await session.execute(
            select(SurveyResponse.meeting_id, func.avg(score_of(SurveyAnswer.value)))
            .join(Participation, Participation.id == SurveyResponse.participation_id)
            .join(SurveyAnswer, (SurveyAnswer.response_id == SurveyResponse.id)
                  & (SurveyAnswer.question_id == USEFULNESS))
            .where(Participation.programme_id == programme_id, whose,
                   SurveyResponse.survey_id == FEEDBACK_SURVEY,
                   SurveyResponse.completed_at.is_not(None))
            .group_by(SurveyResponse.meeting_id)):
        if meeting_id is not None:
            by_meeting[meeting_id] = float(score) if score is not None else None
    scores: dict[int, tuple[datetime | None, float | None]] = {}
    wanted = set(pair_ids)
    if by_meeting:
        # The latest scored meeting of each pair, chosen in SQL (a window over the programme's
        # meetings that have a score), so a board of 1,000 pairs reads 1,000 rows, not 20,000.
        latest = (select(MeetingPair.pair_id.label("pair_id"), Meeting.id.label("meeting_id"),
                         func.row_number().over(partition_by=MeetingPair.pair_id,
                                                order_by=(Meeting.starts_at.desc(),
                                                          Meeting.id.desc())).label("n"))
                  .join(Meeting, Meeting.id == MeetingPair.meeting_id)
                  .where(Meeting.programme_id == programme_id,
                         Meeting.id.in_(select(SurveyResponse.meeting_id)
                                        .select_from(SurveyResponse)
                                        .where(SurveyResponse.survey_id == FEEDBACK_SURVEY,
                                               SurveyResponse.completed_at.is_not(None))))
                  .subquery())
        for pair_id, meeting_id in await session.execute(
                select(latest.c.pair_id, latest.c.meeting_id).where(latest.c.n == 1)):
            if pair_id in wanted and meeting_id in by_meeting:
                scores[pair_id] = (None, by_meeting[meeting_id])
    goals = {pair_id: (int(done or 0), total) for pair_id, done, total in await session.execute(
        select(PlanGoal.pair_id, func.sum(case((PlanGoal.status == "done", 1), else_=0)),
               func.count()).where(PlanGoal.pair_id.in_(pair_ids)).group_by(PlanGoal.pair_id))}
    return {pair_id: PairProgress(held[pair_id][0], held[pair_id][1],
                                  scores.get(pair_id, (None, None))[1],
                                  *goals.get(pair_id, (0, 0)))
            for pair_id in pair_ids}


async def listing(session: AsyncSession, programme: Programme, chosen: str, page: int,
                  today: date) -> pairs.PairPage:
    """The /pairs page of a filter (all, at risk as of `today`, an open stage): counted and
    paged in SQL, so only the page's pairs are read."""
    chosen = check_filter(chosen)
    condition = (None if chosen == "all"
                 else meetings_status.at_risk(programme.cadence_days, today) if chosen == "risk"
                 else (Pair.stage == chosen) & Pair.state.in_(pairs.OPEN_STATES))
    return await pairs.page_of_programme(session, programme.id, condition, page, PAGE)


def check_filter(name: str) -> str:
    return name if name in FILTERS else "all"
