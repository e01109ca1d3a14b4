"""The pairs board: the programme's open pairs (active or paused) in columns by stage, each with
its meetings, last meeting, plan and risk. Risk is the digest's and /status's own rule
(bot.services.meetings.cadence.pairs_at_risk: no meeting for the programme's cadence as of the
end of today), so the board marks the same pairs. Six queries for any number of pairs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.meetings import cadence
from bot.services.pairs import pairs, progress
from models import PAIR_STAGES, PairState

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
    views = [v for v in await pairs.of_programme(session, programme_id) if v.state in OPEN_STATES]
    done = await progress.progress(session, programme_id, [v.id for v in views])
    moment = datetime.combine(today, time(23, 59, 59), UTC)  # as pairs_at_risk counts
    since = {c.pair_id: c for c in await cadence.cadence(session, moment, programme_id)}
    columns: dict[str, list[BoardPair]] = {stage: [] for stage in PAIR_STAGES}
    for view in views:
        made, kept = done[view.id], since.get(view.id)
        columns.setdefault(view.stage, []).append(BoardPair(
            view.id, view.mentor_name, view.mentee_name, view.form, view.state, view.stage,
            made.meetings, made.last_meeting_on, made.last_score, made.goals_done,
            made.goals_total, kept.days_without if kept else None,
            bool(kept and kept.at_risk)))
    for column in columns.values():
        # The most neglected first: what the curator acts on.
        column.sort(key=lambda p: (not p.at_risk, -(p.days_without or 0), p.id))
    return Board(columns)
