"""Accounts: created on first contact, with no personal data (only the Telegram id)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import SUPPORTED_LOCALES
from models import User
from models.base import utcnow


async def get_or_create(session: AsyncSession, telegram_id: int) -> User:
    user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
    if user is None:
        user = User(telegram_id=telegram_id)
        session.add(user)
        await session.flush()
    return user


async def set_locale(session: AsyncSession, user: User, locale: str) -> None:
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    user.locale = locale


async def set_timezone(session: AsyncSession, user: User, timezone: str) -> None:
    user.timezone = timezone


async def mark_reachable(session: AsyncSession, telegram_id: int, reachable: bool,
                         when: datetime | None = None) -> None:
    await session.execute(
        update(User)
        .where(User.telegram_id == telegram_id)
        .values(unreachable=not reachable, unreachable_since=None if reachable else (when or utcnow()))
    )
