"""Claiming update ids (de-duplication of redelivered updates) and forgetting old ones."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import rowcount, upsert_dialect
from models.base import utcnow
from models.processed_update import ProcessedUpdate

KEEP_FOR = timedelta(days=7)  # far longer than Telegram keeps retrying an update


# The table (Core), not the mapped class: no ORM insert or bulk update machinery (which
# synchronised the session with rows it never loads, issue #21), and row counts.
_PROCESSED = cast(Table, ProcessedUpdate.__table__)


def _claim_statement(insert: Any) -> Any:
    return (insert(_PROCESSED)
            .values(bot_id=bindparam("bot_id"), update_id=bindparam("update_id"),
                    processed_at=bindparam("processed_at"), replies=bindparam("replies"))
            .on_conflict_do_nothing())


# Built once: every update that writes claims its id (issue #21: statements built per update).
_CLAIM = {"postgresql": _claim_statement(pg_insert), "sqlite": _claim_statement(sqlite_insert)}


async def claim_update(session: AsyncSession, bot_id: int, update_id: int,
                       replies: str | None = None) -> bool:
    """True the first time an update id is seen (in this transaction or a committed one);
    `replies`: what the update still owes Telegram once committed (bot/runtime/update_unit.py)."""
    result = await session.execute(_CLAIM[upsert_dialect(session)], {
        "bot_id": bot_id, "update_id": update_id, "processed_at": utcnow(), "replies": replies})
    return rowcount(result) == 1


# Built once: every update that writes after it claimed its id (PostgreSQL) sets them.
_SET_REPLIES = (update(_PROCESSED)
                .where(_PROCESSED.c.bot_id == bindparam("of_bot"),
                       _PROCESSED.c.update_id == bindparam("of_update"))
                .values(replies=bindparam("owed")))  # names apart from the columns': SQLAlchemy
# keeps a column's own name for the value of its SET clause


def replies_write(bot_id: int, update_id: int, replies: str | None) -> tuple[Any, dict[str, Any]]:
    """set_replies as a statement and its values, for the commit's other writes
    (bot.db.write_deferred)."""
    return _SET_REPLIES, {"of_bot": bot_id, "of_update": update_id, "owed": replies}


async def set_replies(session: AsyncSession, bot_id: int, update_id: int,
                      replies: str | None) -> None:
    """Replace what a claimed update owes Telegram (None: nothing any more)."""
    await session.execute(*replies_write(bot_id, update_id, replies))


async def clear_replies(session: AsyncSession, bot_id: int, update_ids: list[int]) -> None:
    """Forget what these updates owed Telegram: it was sent (the update journal's clean-up)."""
    await session.execute(update(_PROCESSED).where(
        _PROCESSED.c.bot_id == bot_id, _PROCESSED.c.update_id.in_(update_ids),
        _PROCESSED.c.replies.is_not(None)).values(replies=None))


async def handled_replies(session: AsyncSession, bot_id: int, update_id: int
                          ) -> tuple[bool, str | None]:
    """Whether the update's id was recorded (its changes committed), and the replies it still
    owes."""
    row = (await session.execute(select(ProcessedUpdate.replies).where(
        ProcessedUpdate.bot_id == bot_id, ProcessedUpdate.update_id == update_id))).first()
    return (row is not None, row[0] if row is not None else None)


async def forget_old(session: AsyncSession, now: datetime | None = None) -> int:
    cutoff = (now or utcnow()) - KEEP_FOR
    result = await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff))
    return rowcount(result) or 0
