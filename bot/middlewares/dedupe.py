from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.updates import claim_update

logger = logging.getLogger("mentorbot.updates")


class UpdateDedupeMiddleware(BaseMiddleware):
    """Records the update id in the update's own transaction: if the handler's changes were
    committed, so was the id, and a second delivery is skipped; if they were rolled back (crash,
    error), the id was too, and the redelivery is handled again."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        session: AsyncSession = data["session"]
        update: Update = event  # type: ignore[assignment]
        if not await claim_update(session, data["bot"].id, update.update_id):
            logger.info("update %s was already handled; skipped", update.update_id)
            return None
        return await handler(event, data)
