from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import current_turn
from bot.fsm_after_commit import pending_writes
from bot.services.updates import claim_update, was_handled

logger = logging.getLogger("mentorbot.updates")


class UpdateDedupeMiddleware(BaseMiddleware):
    """A redelivered update whose changes were committed is skipped.

    The update id is recorded in the update's own transaction, after the handler, and only when
    that transaction writes (or changes the conversation state): if the changes were committed, so was the id, and a second delivery
    is skipped; if they were rolled back (crash, error), the id was too, and the redelivery is
    handled again. An update that wrote nothing leaves no record (no write, so no wait for
    SQLite's single writer): a redelivery of it is answered again, which changes nothing."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        session: AsyncSession = data["session"]
        update: Update = event  # type: ignore[assignment]
        bot_id = data["bot"].id
        prefetched = data.get("prefetched")
        if (prefetched.handled if prefetched is not None
                else await was_handled(session, bot_id, update.update_id)):
            logger.info("update %s was already handled; skipped", update.update_id)
            return None
        result = await handler(event, data)
        await session.flush()  # changes still pending in the session are writes too
        turn = current_turn.get()
        # Conversation state kept in Redis changes with the commit too: a step counts as a write.
        if turn is None or turn.wrote or pending_writes.get():
            if not await claim_update(session, bot_id, update.update_id):
                # Handled at the same time elsewhere and committed first: keep that one.
                logger.info("update %s was handled concurrently; rolled back", update.update_id)
                await session.rollback()
                return None
        return result
