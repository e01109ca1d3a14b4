"""The database side of safe long polling (bot/runtime/polling.py): updates fetched but not yet
handled, so Telegram can be told at once and a crash loses nothing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import orjson
from sqlalchemy import Table, delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import dialect_insert, sqlite_writer_lock, write_turn
from bot.runtime.shred import shred_if_requested
from bot.services.updates import clear_replies
from models.update_journal import JournaledUpdate

# The table (Core), not the mapped class: the session never loads these rows, and the ORM's
# bulk statements synchronised it with them on every batch (issue #21).
_JOURNAL = cast(Table, JournaledUpdate.__table__)


class UpdateJournal:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker
        self._writer = sqlite_writer_lock(sessionmaker)

    async def left_over(self, bot_id: int) -> list[dict[str, Any]]:
        """Updates a previous run fetched and did not finish, oldest first."""
        async with self.sessionmaker() as session:
            payloads = await session.scalars(
                select(JournaledUpdate.payload).where(JournaledUpdate.bot_id == bot_id)
                .order_by(JournaledUpdate.update_id))
            return [orjson.loads(payload) for payload in payloads]

    async def add(self, bot_id: int, updates: list[dict[str, Any]]) -> None:
        """Keep these updates (committed when this returns); one already kept stays as it is."""
        if not updates:
            return
        rows = [{"bot_id": bot_id, "update_id": update["update_id"],
                 "payload": orjson.dumps(update).decode()} for update in updates]
        with write_turn(self._writer):
            async with self.sessionmaker() as session:
                await session.execute(dialect_insert(session)(_JOURNAL).on_conflict_do_nothing(),
                                      rows)
                await session.commit()

    async def remove(self, bot_id: int, update_ids: Iterable[int]) -> None:
        """Forget finished updates, and the replies they kept until their commit: they are
        sent (bot/runtime/update_unit.py)."""
        ids = sorted(update_ids)
        if not ids:
            return
        with write_turn(self._writer):
            async with self.sessionmaker() as session:
                await session.execute(delete(_JOURNAL).where(
                    _JOURNAL.c.bot_id == bot_id, _JOURNAL.c.update_id.in_(ids)))
                await clear_replies(session, bot_id, ids)
                await session.commit()
        # An update that erased someone held their Telegram profile here until now.
        await shred_if_requested(self.sessionmaker.kw.get("bind"), set(ids))
