"""The preference round: after a group get-together every ready participant may name up to
three people of the other side (same form) they would like to work with; a named pair scores
higher (the engine's preference part, mutual choices most)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import AccessDenied, DomainError
from bot.services.notices import outbox
from bot.services.notices.buttons import Target
from bot.services.people import access
from bot.services.programmes import states
from models import MatchPreference, Participation, ParticipationState, User
from models.base import utcnow

MAX_PICKS = 3
MAX_CANDIDATES = 40  # a keyboard beyond this is unusable; the curator splits the cohort
CANDIDATE_STATES = (ParticipationState.READY,)


def _other(role: str) -> str:
    return "mentee" if role == "mentor" else "mentor"


async def candidates(session: AsyncSession, chooser: Participation) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(Participation.id, Participation.full_name).where(
            Participation.programme_id == chooser.programme_id,
            Participation.role == _other(chooser.role), Participation.form == chooser.form,
            Participation.state.in_(CANDIDATE_STATES), Participation.id != chooser.id)
        .order_by(Participation.full_name, Participation.id).limit(MAX_CANDIDATES))
    return [(pid, name or f"#{pid}") for pid, name in rows]


async def chosen_ids(session: AsyncSession, chooser_id: int) -> set[int]:
    return set((await session.scalars(select(MatchPreference.chosen_id).where(
        MatchPreference.chooser_id == chooser_id))).all())


def buttons(chooser_id: int, people: list[tuple[int, str]], chosen: set[int]
            ) -> list[list[dict[str, Any]]]:
    rows = [[outbox.button(text=("✅ " if pid in chosen else "") + name[:60],
                           target=Target.MATCH_PREFERENCE,
                           fields={"chooser_id": chooser_id, "chosen_id": pid})]
            for pid, name in people]
    rows.append([outbox.button(text_key="match.prefs.done", target=Target.MATCH_PREFERENCE,
                               fields={"chooser_id": chooser_id, "chosen_id": 0})])
    return rows


async def open_round(session: AsyncSession, user_id: int, programme_id: int,
                     now: datetime | None = None) -> int:
    """Send every ready participant with an account the short preference question; returns how
    many were asked. Repeating it the same day asks nobody twice."""
    programme = await access.require_curator(session, user_id, programme_id)
    await states.require(session, programme, states.Activity.MATCH)
    now = now or utcnow()
    rows = (await session.execute(
        select(Participation, User).join(User, User.id == Participation.user_id).where(
            Participation.programme_id == programme.id,
            Participation.state.in_(CANDIDATE_STATES)).order_by(Participation.id))).all()
    asked = 0
    for participation, user in rows:
        people = await candidates(session, participation)
        if not people:
            continue
        chosen = await chosen_ids(session, participation.id)
        if await outbox.enqueue(
                session, chat_id=user.telegram_id, user_id=user.id, kind="survey_prompt",
                due_at=now, dedupe_key=f"prefs:{participation.id}:{now.date().isoformat()}",
                text_key=f"match.prefs.ask_{participation.role}",
                params={"programme": programme.title, "max": MAX_PICKS},
                buttons=buttons(participation.id, people, chosen), now=now,
                about=outbox.about(pid for pid, _ in people)):  # the candidates' names
            asked += 1
    return asked


async def toggle(session: AsyncSession, user_id: int, chooser_id: int, chosen_id: int
                 ) -> tuple[Participation, bool]:
    """Name or un-name someone; (chooser, now chosen). Only people on the chooser's list."""
    chooser = await session.get(Participation, chooser_id)
    if chooser is None or chooser.user_id != user_id:
        raise AccessDenied()
    await states.require_id(session, chooser.programme_id, states.Activity.MATCH)
    if chosen_id not in {pid for pid, _ in await candidates(session, chooser)}:
        raise AccessDenied()
    chosen = await chosen_ids(session, chooser.id)
    if chosen_id in chosen:
        await session.execute(delete(MatchPreference).where(
            MatchPreference.chooser_id == chooser.id, MatchPreference.chosen_id == chosen_id))
        return chooser, False
    if len(chosen) >= MAX_PICKS:
        raise DomainError("match.prefs.limit", max=MAX_PICKS)
    session.add(MatchPreference(programme_id=chooser.programme_id, chooser_id=chooser.id,
                                chosen_id=chosen_id))
    await session.flush()
    return chooser, True


async def owned_chooser(session: AsyncSession, user_id: int, chooser_id: int) -> Participation:
    chooser = await session.get(Participation, chooser_id)
    if chooser is None or chooser.user_id != user_id:
        raise AccessDenied()
    return chooser
