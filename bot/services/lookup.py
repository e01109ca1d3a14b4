"""One record by its id, for the Telegram side: handlers never query the database themselves.

Each returns None when the row does not exist (a deleted programme, a forged id) or the id is
None (an optional reference): the caller answers as it does for any record the person may not
see."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Meeting, Organisation, Participation, Programme, User


async def programme(session: AsyncSession, programme_id: int | None) -> Programme | None:
    return None if programme_id is None else await session.get(Programme, programme_id)


async def organisation(session: AsyncSession, organisation_id: int | None) -> Organisation | None:
    return None if organisation_id is None else await session.get(Organisation, organisation_id)


async def participation(session: AsyncSession, participation_id: int | None) -> Participation | None:
    return None if participation_id is None else await session.get(Participation, participation_id)


async def user(session: AsyncSession, user_id: int | None) -> User | None:
    return None if user_id is None else await session.get(User, user_id)


async def meeting(session: AsyncSession, meeting_id: int | None) -> Meeting | None:
    return None if meeting_id is None else await session.get(Meeting, meeting_id)


async def user_by_telegram_id(session: AsyncSession, telegram_id: int) -> User | None:
    """The account of a Telegram user, without creating one (the dashboard: a stranger who
    opens it has no account and sees nothing)."""
    return await session.scalar(select(User).where(User.telegram_id == telegram_id))
