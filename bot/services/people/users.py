"""Accounts: created on first contact, with no personal data (only the Telegram id)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.config import SUPPORTED_LOCALES
from bot.db import defer_write, dialect_insert
from models import User
from models.base import utcnow


async def get_or_create(session: AsyncSession, telegram_id: int, *,
                        known_absent: bool = False) -> User:
    """The account of this Telegram id, created on first contact. `known_absent`: the caller
    read it in this transaction and found none (the update's prefetch), so it is not read
    again before it is created."""
    query = select(User).where(User.telegram_id == telegram_id)
    if not known_absent:
        user = await session.scalar(query)
        if user is not None:
            return user
    # Another transaction (a second instance, two first updates of one person handled at
    # once) may be creating the same account right now: insert if absent (the new row comes
    # back with the insert), else read the row that won. (A plain INSERT failed with a unique
    # violation on PostgreSQL.)
    created = await session.scalar(
        dialect_insert(session)(User).values(telegram_id=telegram_id)
        .on_conflict_do_nothing(index_elements=[User.telegram_id]).returning(User))
    return created if created is not None else (await session.scalars(query)).one()


# A setting is one column of the account, written as a deferred write (bot.db.defer_write):
# changing the timezone also ends its conversation, and the two went as two statements, the
# account's flushed by the ORM after the others (issue #21). Built once.
# On the table, not the entity: the ORM would also look for the account among the loaded
# objects to update it, which _set does itself.
_USERS = cast(Table, User.__table__)
_SET = {column: update(_USERS).where(_USERS.c.id == bindparam("user_id"))
        .values({column: bindparam("setting")}) for column in ("locale", "timezone")}


def _set(session: AsyncSession, user: User, column: str, value: str) -> None:
    defer_write(session, _SET[column], {"user_id": user.id, "setting": value})
    # The loaded account shows it at once, as the written one will (not a change to flush).
    set_committed_value(user, column, value)


async def set_locale(session: AsyncSession, user: User, locale: str) -> None:
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    _set(session, user, "locale", locale)


async def set_timezone(session: AsyncSession, user: User, timezone: str) -> None:
    _set(session, user, "timezone", timezone)


async def mark_reachable(session: AsyncSession, telegram_id: int, reachable: bool,
                         when: datetime | None = None) -> None:
    await session.execute(
        update(User)
        .where(User.telegram_id == telegram_id)
        .values(unreachable=not reachable, unreachable_since=None if reachable else (when or utcnow()))
    )
