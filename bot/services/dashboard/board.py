"""The pairs board: the programme's open pairs (active or paused) in columns by stage, each with
its meetings, last meeting, plan and risk. Risk is the digest's and /status's own rule
(bot.services.meetings.cadence.pairs_at_risk: no meeting for the programme's cadence as of the
end of today), so the board marks the same pairs. Seven queries for any number of pairs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.meetings import cadence
from bot.services.pairs import progress
from models import PAIR_STAGES, Pair, PairState
from models.pair_sides import MenteeSide, MentorSide

OPEN_STATES = (PairState.ACTIVE, PairState.PAUSED)


@dataclass(frozen=True)
class BoardPair:
    id: int
    mentor: str
    mentee: str
    form: str
    state: str
    stage: str
    meetings: int
    last_meeting_on: date | None
    last_score: float | None
    goals_done: int
    goals_total: int
    days_without: int | None  # active pairs: days since the last meeting (or the pairing)
    at_risk: bool


@dataclass(frozen=True)
class Board:
    columns: dict[str, list[BoardPair]]  # every stage, in order, empty ones included

    @property
    def at_risk(self) -> int:
        return sum(p.at_risk for column in self.columns.values() for p in column)

    @property
    def total(self) -> int:
        return sum(len(column) for column in self.columns.values())


async def pairs_board(session: AsyncSession, programme_id: int, today: date) -> Board:
    # The columns only (not Pair rows with their matching reasons): 1,000 pairs read in one
    # query, their progress in five more, their cadence in one.
    mentor, mentee = MentorSide, MenteeSide
    rows = (await session.execute(
        select(Pair.id, Pair.mentor_id, mentor.full_name, Pair.mentee_id, mentee.full_name,
               Pair.form, Pair.state, Pair.stage)
        .join(mentor, mentor.id == Pair.mentor_id).join(mentee, mentee.id == Pair.mentee_id)
        .where(Pair.programme_id == programme_id, Pair.state.in_(OPEN_STATES))
        .order_by(Pair.id))).all()
    done = await progress.progress(session, programme_id, [row[0] for row in rows])
    moment = datetime.combine(today, time(23, 59, 59), UTC)  # as pairs_at_risk counts
    since = {c.pair_id: c for c in await cadence.cadence(session, moment, programme_id)}
    columns: dict[str, list[BoardPair]] = {stage: [] for stage in PAIR_STAGES}
    for pair_id, mentor_id, mentor_name, mentee_id, mentee_name, form, state, stage in rows:
        made, kept = done[pair_id], since.get(pair_id)
        columns.setdefault(stage, []).append(BoardPair(
            pair_id, mentor_name or f"#{mentor_id}", mentee_name or f"#{mentee_id}", form,
            state, stage, made.meetings, made.last_meeting_on, made.last_score,
            made.goals_done, made.goals_total, kept.days_without if kept else None,
            bool(kept and kept.at_risk)))
    for column in columns.values():
        # The most neglected first: what the curator acts on.
        column.sort(key=lambda p: (not p.at_risk, -(p.days_without or 0), p.id))
    return Board(columns)
