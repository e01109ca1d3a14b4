"""After an erasure, SQLite's files keep nothing of the person either.

Deleted and overwritten rows are zeroed where they lay (`PRAGMA secure_delete=ON`, bot/db.py),
but in WAL mode the zeroed pages first go to the write-ahead log: until a checkpoint the
database file still holds the old pages, and the -wal file keeps old page images after a
checkpoint too, until they are overwritten. So once an erasure is committed the log is copied
into the database and truncated to nothing; and once more when the update that erased has left
the update journal, whose row held the person's Telegram profile until then.

The checkpoint never waits: with readers in the way it does what it can and is tried again a
few times (a waiting checkpoint would hold every writer of the bot behind it)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.cancelling import raise_if_cancelling
from bot.db import SQLITE_BUSY_TIMEOUT_MS
from bot.runtime.fsm_after_commit import pending_writes

logger = logging.getLogger("mentorbot.shred")

ATTEMPTS = 5
PAUSE_SECONDS = 0.1

# Engines whose log is shredded again when finished updates leave the update journal, with the
# updates that erased (None: an erasure outside an update). Kept until the erasing update
# itself has left: a clean-up between its commit and its end removes other rows only.
_requested: WeakKeyDictionary[Any, set[int | None]] = WeakKeyDictionary()
_tasks: set[asyncio.Task[None]] = set()


async def shred_wal(engine: AsyncEngine) -> bool:
    """Checkpoint the write-ahead log into the database and truncate it. True when done;
    False when readers kept it from completing (the next checkpoint finishes the job) or for
    other databases."""
    if engine.dialect.name != "sqlite":
        return False
    for attempt in range(ATTEMPTS):
        if attempt:
            await asyncio.sleep(PAUSE_SECONDS)
        async with engine.connect() as connection:
            await connection.exec_driver_sql("PRAGMA busy_timeout=0")
            try:
                # (busy, log frames, checkpointed frames)
                busy = (await connection.exec_driver_sql(
                    "PRAGMA wal_checkpoint(TRUNCATE)")).one()[0]
                await connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            except BaseException:
                # Not back to the pool without its busy timeout (writers would fail at once
                # instead of waiting their turn); the first error is the one that counts.
                with contextlib.suppress(Exception):
                    await connection.invalidate()
                raise
        if not busy:
            return True
    logger.info("write-ahead log busy: left to the next checkpoint")
    return False


async def _shred_quietly(engine: AsyncEngine) -> None:
    try:
        await shred_wal(engine)
    except Exception as exc:  # shutting down, the file gone: the next checkpoint does it
        raise_if_cancelling()
        logger.warning("write-ahead log not shredded: %s", type(exc).__name__)


def shred_after_commit(session: AsyncSession, update_id: int | None = None) -> None:
    """Shred once this session's transaction (an erasure) is committed: inside an update, right
    after its commit and before the update counts as finished; elsewhere in the background.
    `update_id`: the journaled update that erased, shredded again once it leaves the journal."""
    engine = session.bind
    if not isinstance(engine, AsyncEngine) or engine.dialect.name != "sqlite":
        return
    pending = pending_writes.get()

    def _committed(_session: object) -> None:
        _requested.setdefault(engine.sync_engine, set()).add(update_id)
        if pending is not None:
            pending.after(lambda: _shred_quietly(engine))
            return
        try:
            task = asyncio.get_running_loop().create_task(_shred_quietly(engine))
        except RuntimeError:  # no running loop: the next checkpoint does it
            return
        _tasks.add(task)
        task.add_done_callback(_tasks.discard)

    event.listen(session.sync_session, "after_commit", _committed, once=True)


async def shred_if_requested(engine: AsyncEngine | None, removed: set[int]) -> None:
    """Finished updates left the update journal: if one of them erased someone, shred again."""
    if engine is None:
        return
    waiting = _requested.get(engine.sync_engine)
    left: set[int | None] = {update_id for update_id in waiting or () if update_id is not None
            and update_id not in removed}
    if waiting is None or left == waiting:
        return
    if left:
        _requested[engine.sync_engine] = left
    else:
        del _requested[engine.sync_engine]
    await _shred_quietly(engine)
