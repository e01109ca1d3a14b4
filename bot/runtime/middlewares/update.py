"""The update's own outer middleware: its session and unit of work, then, in order, the steps
every update takes before its handler.

These were five outer middlewares (session, prefetch, de-duplication, state read, user
context); each layer cost aiogram's middleware wrapping, a coroutine frame and dict work per
update (issue #21). Each concern is now a plain function called in order here:

1. `Prefetcher.prefetch` (prefetch.py): whether the update was handled, the sender's account and
   the conversation record, in one statement;
2. `already_handled` (dedupe.py): a committed update is not handled again;
3. `read_state` (fsm.py): the conversation state for the state filters;
4. `put_user_context` (context.py): the account, the locale and the translator.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db import WriteTurn, current_session, current_turn, keep_loaded, sqlite_writer_lock
from bot.i18n import Translator
from bot.runtime.fsm_after_commit import PendingWrites, pending_writes
from bot.runtime.middlewares.context import put_user_context
from bot.runtime.middlewares.dedupe import already_handled
from bot.runtime.middlewares.fsm import read_state
from bot.runtime.middlewares.prefetch import Prefetcher
from bot.runtime.update_unit import UpdateHandledElsewhere, UpdateUnit, current_unit

logger = logging.getLogger("mentorbot.updates")


class UpdateMiddleware(BaseMiddleware):
    """Opens one session per update and commits when the handler finished without error: the
    update is the use-case boundary, so a failed handler changes nothing. Bot API requests the
    handler makes after its first write are sent after the commit (bot/runtime/update_unit.py)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], storage: BaseStorage,
                 settings: Settings, translator: Translator) -> None:
        self.sessionmaker = sessionmaker
        # SQLite has one writer: updates that write take turns on this lock from their first
        # write to the end of their transaction (bot/db.py WriteTurn); reads need no turn.
        self._sqlite_writer = sqlite_writer_lock(sessionmaker)
        self.prefetcher = Prefetcher(storage)
        self.settings = settings
        self.translator = translator

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        update: Update = event  # type: ignore[assignment]  # an outer middleware of updates
        turn = WriteTurn(self._sqlite_writer)
        turn_token = current_turn.set(turn)
        try:
            async with self.sessionmaker() as session:
                keep_loaded(session)
                data["session"] = session
                token = current_session.set(session)
                pending = PendingWrites()
                fsm_token = pending_writes.set(pending)
                unit = UpdateUnit(session, turn, pending, data.get("bot"),
                                  journaled=data.get("journaled", False))
                unit_token = current_unit.set(unit)
                try:
                    await self.prefetcher.prefetch(session, update, data)
                    if await already_handled(session, update, data):
                        return None
                    await read_state(data)
                    await put_user_context(data, self.settings, self.translator)
                    result = await handler(event, data)
                    # Commit (Redis conversation state follows it), then the kept requests.
                    await unit.finish()
                except UpdateHandledElsewhere:
                    # Handled at the same time elsewhere and committed first: keep that one.
                    logger.info("update %s was handled concurrently; rolled back",
                                update.update_id)
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
