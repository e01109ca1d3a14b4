"""The reply keyboard of a paired person, as translation keys: mentors get «📝 Отметить встречу»
and «✉️ Написать наставляемому», mentees «🆘 Наставник не отвечает» and «✉️ Написать
наставнику». One layout for the keyboard sent on /start and the one the introduction carries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Pair, PairState, Participation

LOG_BUTTON_KEY = "meetings.button.log"
HELP_BUTTON_KEY = "meetings.button.help_me"
WRITE_MENTEE_KEY = "channel.button.write_mentee"  # a mentor writes to their mentee(s)
WRITE_MENTOR_KEY = "channel.button.write_mentor"  # a mentee writes to their mentor
WRITE_KEYS = (WRITE_MENTEE_KEY, WRITE_MENTOR_KEY)


def keyboard_keys(*, mentor: bool, mentee: bool) -> list[list[str]]:
    """The rows of the keyboard (empty: the person is in no active pair)."""
    rows = [[key for key, shown in ((LOG_BUTTON_KEY, mentor), (HELP_BUTTON_KEY, mentee)) if shown],
            [key for key, shown in ((WRITE_MENTEE_KEY, mentor), (WRITE_MENTOR_KEY, mentee))
             if shown]]
    return [row for row in rows if row]


async def roles_in_active_pairs(session: AsyncSession, user_ids: Collection[int]
                                ) -> dict[int, set[str]]:
    """The sides (mentor, mentee) each of these accounts takes in active pairs."""
    if not user_ids:
        return {}
    roles: dict[int, set[str]] = defaultdict(set)
    ids = sorted(user_ids)
    for column, role in ((Pair.mentor_id, "mentor"), (Pair.mentee_id, "mentee")):
        found = await session.scalars(
            select(Participation.user_id).join(Pair, column == Participation.id)
            .where(Pair.state == PairState.ACTIVE, Participation.user_id.in_(ids)).distinct())
        for user_id in found:
            if user_id is not None:
                roles[user_id].add(role)
    return dict(roles)


async def keyboards_of(session: AsyncSession, user_ids: Collection[int]
                       ) -> dict[int, list[list[str]]]:
    """Each account's keyboard rows (accounts in no active pair are left out)."""
    return {user_id: keyboard_keys(mentor="mentor" in roles, mentee="mentee" in roles)
            for user_id, roles in (await roles_in_active_pairs(session, user_ids)).items()}
