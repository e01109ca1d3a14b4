"""A pair's individual plan: up to ten goals with target dates and progress marks, kept by the
mentor and the mentee together; the curator reads it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import typed
from bot.services.errors import AccessDenied, DomainError
from models import Pair, PairState, PlanGoal

MAX_GOALS = 10
MAX_TITLE = 200
MAX_COMMENT = 300
STATUSES = ("not_started", "in_progress", "done")


async def goals(session: AsyncSession, pair_id: int) -> list[PlanGoal]:
    return list((await session.scalars(select(PlanGoal).where(PlanGoal.pair_id == pair_id)
                                       .order_by(PlanGoal.position, PlanGoal.id))).all())


async def goal_of(session: AsyncSession, pair: Pair, goal_id: int) -> PlanGoal:
    goal = await session.get(PlanGoal, goal_id)
    if goal is None or goal.pair_id != pair.id:
        raise AccessDenied()
    return goal


async def goal_to_delete(session: AsyncSession, pair: Pair, goal_id: int) -> PlanGoal:
    """A goal of this pair, for its deletion: one already deleted (a double tap) is «gone»."""
    goal = await session.get(PlanGoal, goal_id)
    if goal is None:
        raise DomainError("plan.goal_gone")
    if goal.pair_id != pair.id:
        raise AccessDenied()
    return goal


def require_editable(pair: Pair) -> None:
    if pair.state == PairState.ENDED_EARLY:
        raise DomainError("plan.error.closed")


async def check_room(session: AsyncSession, pair: Pair) -> None:
    count = await session.scalar(
        select(func.count()).select_from(PlanGoal).where(PlanGoal.pair_id == pair.id))
    if (count or 0) >= MAX_GOALS:
        raise DomainError("plan.error.limit", max=MAX_GOALS)


def clean_title(text: str | None) -> str:
    title = " ".join((text or "").split())
    if not title or len(title) > MAX_TITLE:
        raise DomainError("plan.error.title", max=MAX_TITLE)
    return title


def parse_target(text: str | None) -> date:
    """A goal's target date as typed (bot.services.typed.parse_date)."""
    return typed.parse_date(text, "plan.error.date")


async def add_goal(session: AsyncSession, pair: Pair, title: str, target: date | None
                   ) -> PlanGoal:
    require_editable(pair)
    await check_room(session, pair)
    position = await session.scalar(
        select(func.coalesce(func.max(PlanGoal.position), 0)).where(PlanGoal.pair_id == pair.id))
    goal = PlanGoal(pair_id=pair.id, position=int(position or 0) + 1, title=clean_title(title),
                    target_date=target, status="not_started")
    session.add(goal)
    await session.flush()
    return goal


async def set_status(session: AsyncSession, pair: Pair, goal: PlanGoal, status: str) -> None:
    require_editable(pair)
    if status not in STATUSES:
        raise AccessDenied()
    goal.status = status


async def set_comment(session: AsyncSession, pair: Pair, goal: PlanGoal, text: str | None) -> None:
    require_editable(pair)
    comment = (text or "").strip()
    if not comment or len(comment) > MAX_COMMENT:
        raise DomainError("plan.error.comment", max=MAX_COMMENT)
    goal.comment = comment


async def delete_goal(session: AsyncSession, pair: Pair, goal: PlanGoal) -> None:
    require_editable(pair)
    await session.delete(goal)
