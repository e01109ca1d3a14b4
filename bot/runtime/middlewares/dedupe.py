"""A redelivered update whose changes were committed is not handled again.

The update id is recorded in the update's own transaction: if the changes were committed, so
was the id, and a second delivery is skipped; if they were rolled back (crash, error), the id
was too, and the redelivery is handled again. On SQLite the id is recorded at the commit and
only when the transaction writes (or changes the conversation state;
bot/runtime/update_unit.py): an update that wrote nothing leaves no record (no write, so no
wait for SQLite's single writer), and a redelivery of it is answered again, which changes
nothing. On PostgreSQL every update records its id in its first statement
(bot/runtime/middlewares/prefetch.py), which saves the writing ones a round trip. A committed
update whose record still holds replies (a crash came before they were all sent) sends those
instead."""

from __future__ import annotations

import logging
from typing import Any

from aiogram.types import Update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.runtime.update_unit import current_unit
from bot.services.updates import handled_replies

logger = logging.getLogger("mentorbot.updates")


async def already_handled(session: AsyncSession, update: Update, data: dict[str, Any]) -> bool:
    """True when the update must not be handled (again): its changes were committed (the
    replies it still owed are sent here)."""
    prefetched = data.get("prefetched")
    handled, replies = ((prefetched.handled, prefetched.replies) if prefetched is not None
                        else await handled_replies(session, data["bot"].id, update.update_id))
    unit = current_unit.get()
    if unit is not None:
        unit.update_id = update.update_id  # its commit records the update
        unit.claimed = prefetched is not None and prefetched.claimed
    if not handled:
        return False
    if replies and unit is not None:
        logger.info("update %s was committed before its replies went out; sending them",
                    update.update_id)
        await unit.replay(replies)
    else:
        logger.info("update %s was already handled; skipped", update.update_id)
    return True
