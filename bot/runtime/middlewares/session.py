from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import WriteTurn, current_session, current_turn, sqlite_writer_lock
from bot.runtime.fsm_after_commit import PendingWrites, pending_writes
from bot.runtime.update_unit import UpdateHandledElsewhere, UpdateUnit, current_unit

logger = logging.getLogger("mentorbot.updates")


class DbSessionMiddleware(BaseMiddleware):
    """Opens one session per update and commits when the handler finished without error: the
    update is the use-case boundary, so a failed handler changes nothing. Bot API requests the
    handler makes after its first write are sent after the commit (bot/runtime/update_unit.py)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker
        # SQLite has one writer: updates that write take turns on this lock from their first
        # write to the end of their transaction (bot/db.py WriteTurn); reads need no turn.
        self._sqlite_writer = sqlite_writer_lock(sessionmaker)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        turn = WriteTurn(self._sqlite_writer)
        turn_token = current_turn.set(turn)
        try:
            async with self.sessionmaker() as session:
                data["session"] = session
                token = current_session.set(session)
                pending = PendingWrites()
                fsm_token = pending_writes.set(pending)
                unit = UpdateUnit(session, turn, pending, data.get("bot"),
                                  journaled=data.get("journaled", False))
                unit_token = current_unit.set(unit)
                try:
                    result = await handler(event, data)
                    # Commit (Redis conversation state follows it), then the kept requests.
                    await unit.finish()
                except UpdateHandledElsewhere:
                    # Handled at the same time elsewhere and committed first: keep that one.
                    logger.info("update %s was handled concurrently; rolled back",
                                getattr(event, "update_id", None))
                    return None
                finally:
                    unit.done = True
                    current_unit.reset(unit_token)
                    pending_writes.reset(fsm_token)
                    current_session.reset(token)
            return result
        finally:
            # The transaction is over (committed, or rolled back when the session closed).
            turn.release()
            current_turn.reset(turn_token)
