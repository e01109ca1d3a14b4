from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import current_session
from bot.fsm_after_commit import PendingWrites, pending_writes


class DbSessionMiddleware(BaseMiddleware):
    """Opens one session per update and commits when the handler finished without error: the
    update is the use-case boundary, so a failed handler changes nothing."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker
        bind = sessionmaker.kw.get("bind")
        # SQLite has one writer, and every update writes (its id is claimed first), so updates
        # take turns anyway; an asyncio lock makes that a fair queue in this process instead of
        # threads polling SQLite's busy handler, which under load gives up ("database is
        # locked") after the busy timeout.
        self._sqlite_turn = (asyncio.Lock() if bind is not None
                             and bind.dialect.name == "sqlite" else None)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        async with self._sqlite_turn or contextlib.nullcontext(), self.sessionmaker() as session:
            data["session"] = session
            token = current_session.set(session)
            pending = PendingWrites()
            fsm_token = pending_writes.set(pending)
            try:
                result = await handler(event, data)
                await session.commit()
                await pending.apply()  # Redis conversation state follows the commit
                return result
            finally:
                pending_writes.reset(fsm_token)
                current_session.reset(token)
