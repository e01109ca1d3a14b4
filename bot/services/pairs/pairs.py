"""A pair's life after matching: the curator pauses, resumes, completes or ends it early; the
participants and the curator find their pairs. Ending early returns the mentee to "ready" so
they can be matched again; the mentor's place is freed because capacity counts only active and
paused pairs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import AccessDenied, DomainError
from bot.services.people import access
from models import Pair, PairState, Participation, ParticipationState, PlanGoal, Programme
from models.base import utcnow
from models.pair_sides import MenteeSide, MentorSide

MAX_END_REASON = 255
OPEN_STATES = (PairState.ACTIVE, PairState.PAUSED)


@dataclass(frozen=True)
class PairView:
    id: int
    programme_id: int
    programme_title: str
    mentor_id: int
    mentee_id: int
    mentor_name: str
    mentee_name: str
    form: str
    state: str
    stage: str
    score: float | None
    reasons: list[dict[str, Any]]
    created_at: datetime
    end_reason: str | None
    goals: int


def _name(value: str | None, participation_id: int) -> str:
    return value or f"#{participation_id}"


def _select(*conditions: ColumnElement[bool]) -> Select[Any]:
    mentor, mentee = MentorSide, MenteeSide
    goals = (select(func.count()).select_from(PlanGoal).where(PlanGoal.pair_id == Pair.id)
             .correlate(Pair).scalar_subquery())
    return (select(Pair, mentor.full_name, mentee.full_name, Programme.title, goals)
            .join(mentor, mentor.id == Pair.mentor_id).join(mentee, mentee.id == Pair.mentee_id)
            .join(Programme, Programme.id == Pair.programme_id)
            .where(*conditions).order_by(Pair.id))


def _view(p: Pair, mentor_name: str | None, mentee_name: str | None, title: str,
          goals: int | None) -> PairView:
    return PairView(p.id, p.programme_id, title, p.mentor_id, p.mentee_id,
                    _name(mentor_name, p.mentor_id), _name(mentee_name, p.mentee_id), p.form,
                    p.state, p.stage, p.score, list(p.reasons or []), p.created_at,
                    p.end_reason, int(goals or 0))


async def _views(session: AsyncSession, *conditions: ColumnElement[bool]) -> list[PairView]:
    return [_view(*row) for row in await session.execute(_select(*conditions))]


@dataclass(frozen=True)
class PairPage:
    """One page of a programme's pairs that a condition keeps (the curator's /pairs)."""
    total: int  # every pair of the programme
    matching: int  # the pairs the condition keeps
    page: int  # 0-based, within 0 .. pages - 1
    pages: int
    shown: list[tuple[int, PairView]]  # (the pair's number in the whole list, the pair)


async def page_of_programme(session: AsyncSession, programme_id: int,
                            condition: ColumnElement[bool] | None, page: int, size: int
                            ) -> PairPage:
    """The page-th `size` pairs of a programme the condition keeps, in the order of the whole
    list, numbered as in it: two statements (the counts, the page), whatever the number of
    pairs; only the page's rows are read."""
    keep = condition if condition is not None else true()
    total, matching = (await session.execute(
        select(func.count(), func.coalesce(func.sum(case((keep, 1), else_=0)), 0))
        .select_from(Pair).where(Pair.programme_id == programme_id))).one()
    pages = max(1, -(-int(matching) // size))
    page = min(max(page, 0), pages - 1)
    numbered = (select(Pair.id.label("pair_id"),
                       func.row_number().over(order_by=Pair.id).label("number"))
                .where(Pair.programme_id == programme_id).subquery())
    rows = await session.execute(
        _select(Pair.programme_id == programme_id, keep).add_columns(numbered.c.number)
        .join(numbered, numbered.c.pair_id == Pair.id).limit(size).offset(page * size))
    shown = [(int(number), _view(p, mentor_name, mentee_name, title, goals))
             for p, mentor_name, mentee_name, title, goals, number in rows]
    return PairPage(int(total), int(matching), page, pages, shown)


async def view(session: AsyncSession, pair_id: int) -> PairView:
    found = await _views(session, Pair.id == pair_id)
    if not found:
        raise AccessDenied()
    return found[0]


async def of_user(session: AsyncSession, user_id: int) -> list[tuple[PairView, str]]:
    """The person's own pairs (as mentor or mentee) with their role in each; ended ones left out."""
    mine = select(Participation.id).where(Participation.user_id == user_id)
    found = await _views(session, or_(Pair.mentor_id.in_(mine), Pair.mentee_id.in_(mine)),
                         Pair.state != PairState.ENDED_EARLY)
    ids = set((await session.scalars(mine)).all())
    return [(v, "mentor" if v.mentor_id in ids else "mentee") for v in found]


async def require_for_curator(session: AsyncSession, user_id: int | None, pair_id: int) -> Pair:
    pair = await session.get(Pair, pair_id)
    if pair is None:
        raise AccessDenied()
    await access.require_curator(session, user_id, pair.programme_id)
    return pair


async def require_member(session: AsyncSession, user_id: int | None, pair_id: int
                         ) -> tuple[Pair, str]:
    """The pair and the person's role in it; anyone else gets the same refusal."""
    pair = await session.get(Pair, pair_id)
    if pair is None or user_id is None:
        raise AccessDenied()
    rows = dict((await session.execute(select(Participation.id, Participation.user_id).where(
        Participation.id.in_((pair.mentor_id, pair.mentee_id))))).all())
    if rows.get(pair.mentor_id) == user_id:
        return pair, "mentor"
    if rows.get(pair.mentee_id) == user_id:
        return pair, "mentee"
    raise AccessDenied()


ENDED_STATES = (PairState.COMPLETED, PairState.ENDED_EARLY)


def _require_state(pair: Pair, *states: str) -> None:
    if pair.state not in states:
        # A second tap of a confirmation, or a card older than the pair's end.
        raise DomainError("pair.error.ended" if pair.state in ENDED_STATES
                          else "pair.error.state")


def check_open(pair: Pair) -> None:
    """Before asking to confirm completing or ending a pair: it must still be open."""
    _require_state(pair, *OPEN_STATES)


async def members_reached(session: AsyncSession, pair: Pair) -> int:
    """How many of the pair's two members the bot can write to (consent not withdrawn)."""
    return int(await session.scalar(select(func.count()).select_from(Participation).where(
        Participation.id.in_((pair.mentor_id, pair.mentee_id)),
        Participation.user_id.is_not(None),
        Participation.state != ParticipationState.WITHDRAWN)) or 0)


async def pause(session: AsyncSession, pair: Pair) -> None:
    _require_state(pair, PairState.ACTIVE)
    pair.state = PairState.PAUSED


async def resume(session: AsyncSession, pair: Pair) -> None:
    _require_state(pair, PairState.PAUSED)
    pair.state = PairState.ACTIVE


async def complete(session: AsyncSession, pair: Pair) -> None:
    _require_state(pair, *OPEN_STATES)
    pair.state = PairState.COMPLETED
    pair.ended_at = utcnow()


def check_end_reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if not text or len(text) > MAX_END_REASON:
        raise DomainError("pair.error.reason", max=MAX_END_REASON)
    return text


async def end_early(session: AsyncSession, pair: Pair, reason: str | None) -> None:
    text = check_end_reason(reason)
    _require_state(pair, *OPEN_STATES)
    pair.state = PairState.ENDED_EARLY
    pair.ended_at = utcnow()
    pair.end_reason = text
    mentee = await session.get(Participation, pair.mentee_id)
    if mentee is not None and mentee.state == ParticipationState.PAIRED:
        mentee.state = ParticipationState.READY
    mentor = await session.get(Participation, pair.mentor_id)
    others = await session.scalar(select(func.count()).select_from(Pair).where(
        Pair.mentor_id == pair.mentor_id, Pair.id != pair.id, Pair.state.in_(OPEN_STATES)))
    if mentor is not None and mentor.state == ParticipationState.PAIRED and not others:
        mentor.state = ParticipationState.READY
