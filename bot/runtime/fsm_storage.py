"""FSM storage in the application database, so conversations survive a restart without Redis.

A conversation is read once per transaction into a plain record (no ORM entity) and written,
when it changed, with one Core statement when the transaction commits: an upsert, or a delete
when it became empty. The ORM's unit of work for one row per update cost more than the
statement (issue #21: the record was in two of every three flushes, and an update whose only
change was its conversation flushed for it alone)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from copy import deepcopy
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import orjson
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy import Table, bindparam, delete, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from bot.db import Writes, current_session, rowcount, upsert_dialect, writes_at_commit
from models import FsmRecord
from models.base import utcnow

T = TypeVar("T")
_CACHE = "fsm_cache"  # session.info: record key -> Conversation, read in this transaction
_TABLE = cast(Table, FsmRecord.__table__)


def _copy(data: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of conversation data, as the JSON column will hold it: an orjson round trip
    is ~8 times as fast as `deepcopy` (aiogram reads and writes the data several times per
    update, issue #21); a value JSON cannot hold is copied as it is, for the column to refuse."""
    try:
        return orjson.loads(orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS))
    except TypeError:
        return deepcopy(dict(data))


@dataclass(slots=True)
class Conversation:
    """One conversation record as this transaction sees it."""

    state: str | None
    data: dict[str, Any]
    stored: bool  # the database holds a row for it (as of this transaction's writes)
    changed: bool = False  # to be written at the commit

    @property
    def empty(self) -> bool:
        return self.state is None and not self.data


ABSENT_ROW = (None, None, None)  # (key, state, data) of a conversation without a record


def conversation_of(row: Any) -> Conversation:
    """A (key, state, data) row of fsm_records, or ABSENT_ROW, as a Conversation."""
    key, state, data = row
    return Conversation(state, dict(data) if data else {}, stored=key is not None)


def _upsert(insert: Any) -> Any:
    statement = insert(_TABLE).values(key=bindparam("key"), state=bindparam("state"),
                                      data=bindparam("data"), updated_at=bindparam("at"))
    return statement.on_conflict_do_update(
        index_elements=[_TABLE.c.key],
        set_={"state": statement.excluded.state, "data": statement.excluded.data,
              "updated_at": statement.excluded.updated_at})


# Built once (issue #21: statements built per update).
_READ = select(_TABLE.c.key, _TABLE.c.state, _TABLE.c.data).where(
    _TABLE.c.key == bindparam("key"))
_UPSERT = {"postgresql": _upsert(pg_insert), "sqlite": _upsert(sqlite_insert)}
_DELETE = delete(_TABLE).where(_TABLE.c.key == bindparam("key"))


@writes_at_commit
def _writes(session: Session) -> Writes:
    """The statements that store the conversations changed in this transaction (and marks
    them stored); sent at its commit (bot.db.writes_at_commit)."""
    cache: dict[str, Conversation] = session.info.get(_CACHE, {})
    writes: Writes = []
    if not cache:
        return writes
    upsert = _UPSERT[upsert_dialect(session)]
    for key, record in cache.items():
        if not record.changed:
            continue
        record.changed = False
        if record.empty:
            if record.stored:
                writes.append((_DELETE, {"key": key}))
                record.stored = False
            continue
        writes.append((upsert, {"key": key, "state": record.state, "data": record.data,
                                "at": utcnow()}))
        record.stored = True
    return writes


@event.listens_for(Session, "after_soft_rollback")
def _forget_cached(session: Session, previous_transaction: object) -> None:
    session.info.pop(_CACHE, None)  # changes rolled back with the rest: ask the database again


def _state_of(record: Conversation) -> str | None:
    return record.state


def _data_of(record: Conversation) -> dict[str, Any]:
    return _copy(record.data) if record.data else {}


class DatabaseStorage(BaseStorage):
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession],
                 key_builder: KeyBuilder | None = None) -> None:
        self.sessionmaker = sessionmaker
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)

    async def _record(self, key: StorageKey, use: Callable[[Conversation], T]) -> T:
        """`use` applied to the conversation's record as the update's transaction sees it (a
        plain call, not a context manager per call: aiogram asks the storage 4-6 times an
        update, issue #21); outside an update, in a transaction of its own."""
        shared = current_session.get()
        if shared is not None:
            # Written at the commit, with the update's other writes, so SQLite's single writer
            # is not held while the bot talks to Telegram (bot/db.py WriteTurn).
            return use(await self._load(shared, key))
        async with self.sessionmaker() as session, session.begin():
            return use(await self._load(session, key))

    def _key(self, key: StorageKey) -> str:
        return self.key_builder.build(key)

    def record_key(self, key: StorageKey) -> str:
        """The primary key of the record that holds this conversation."""
        return self._key(key)

    @staticmethod
    def remember(session: AsyncSession, name: str, row: Any) -> None:
        """A (key, state, data) row read in `session` by someone else (the update's first
        statement, bot/runtime/middlewares/prefetch.py), ABSENT_ROW when there is none: later
        reads in the session use it."""
        session.info.setdefault(_CACHE, {}).setdefault(name, conversation_of(row))

    async def _load(self, session: AsyncSession, key: StorageKey) -> Conversation:
        # aiogram asks for the state on every update, handlers for state and data again and
        # again: read a record (or its absence) once per transaction.
        name = self._key(key)
        cache: dict[str, Conversation] = session.info.setdefault(_CACHE, {})
        record = cache.get(name)
        if record is None:
            row = (await session.execute(_READ, {"key": name})).first()
            record = cache[name] = conversation_of(row or ABSENT_ROW)
        return record

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state

        def change(record: Conversation) -> None:
            if record.state != value:
                record.state = value
                record.changed = True

        await self._record(key, change)

    async def get_state(self, key: StorageKey) -> str | None:
        return await self._record(key, _state_of)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        def change(record: Conversation) -> None:
            if record.data != data:  # the same data again: no write
                # A copy: the caller may go on changing its dict (and a nested one it got from
                # get_data), and the record must change only here.
                record.data = _copy(data)
                record.changed = True

        await self._record(key, change)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        # A deep copy, as aiogram's own storages return: a handler that edits a nested value
        # must not edit the record behind the storage's back (nothing would be written).
        return await self._record(key, _data_of)

    async def update_data(self, key: StorageKey, data: Mapping[str, Any]) -> dict[str, Any]:
        """As BaseStorage's (get, merge, set, return a copy), with one copy fewer."""
        def change(record: Conversation) -> dict[str, Any]:
            merged = {**record.data, **data}
            if merged != record.data:
                record.data = _copy(merged)
                record.changed = True
            return _copy(record.data)

        return await self._record(key, change)

    async def forget_user(self, telegram_id: int) -> int:
        """Erase every conversation record of a person (used when consent is withdrawn)."""
        erase = delete(_TABLE).where(_TABLE.c.key.like(f"%:{telegram_id}:%"))
        shared = current_session.get()
        if shared is not None:
            return self._forgotten(shared, await shared.execute(erase))
        async with self.sessionmaker() as session, session.begin():
            return self._forgotten(session, await session.execute(erase))

    @staticmethod
    def _forgotten(session: AsyncSession, result: Any) -> int:
        session.info.pop(_CACHE, None)  # nothing of the person's conversations to write
        return rowcount(result) or 0

    async def keys(self) -> list[str]:
        async with self.sessionmaker() as session:
            return list((await session.scalars(select(_TABLE.c.key))).all())

    async def close(self) -> None:
        return None
