"""FSM storage in the application database, so conversations survive a restart without Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from copy import deepcopy
from typing import Any

import orjson
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy import delete, event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from bot.db import current_session, rowcount
from models import FsmRecord


def _copy(data: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of conversation data, as the JSON column will hold it: an orjson round trip
    is ~8 times as fast as `deepcopy` (aiogram reads and writes the data several times per
    update, issue #21); a value JSON cannot hold is copied as it is, for the column to refuse."""
    try:
        return orjson.loads(orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS))
    except TypeError:
        return deepcopy(dict(data))


@event.listens_for(Session, "after_soft_rollback")
def _forget_cached(session: Session, previous_transaction: object) -> None:
    session.info.pop("fsm_cache", None)  # a rolled back add or delete: ask the database again


class DatabaseStorage(BaseStorage):
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession],
                 key_builder: KeyBuilder | None = None) -> None:
        self.sessionmaker = sessionmaker
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        shared = current_session.get()
        if shared is not None:
            # No flush: the record is written with the update's other writes at its end (the
            # session's cache serves the reads meanwhile), so SQLite's single writer is not
            # held while the bot talks to Telegram (bot/db.py WriteTurn).
            yield shared
            return
        async with self.sessionmaker() as session, session.begin():
            yield session

    def _key(self, key: StorageKey) -> str:
        return self.key_builder.build(key)

    def record_key(self, key: StorageKey) -> str:
        """The primary key of the record that holds this conversation."""
        return self._key(key)

    @staticmethod
    def remember(session: AsyncSession, name: str, record: FsmRecord | None) -> None:
        """A record (or its absence) read in `session` by someone else (the update's first
        statement, bot/middlewares/prefetch.py): later reads in the session use it."""
        session.info.setdefault("fsm_cache", {}).setdefault(name, record)

    async def _load(self, session: AsyncSession, key: StorageKey) -> FsmRecord | None:
        # aiogram asks for the state on every update, handlers for state and data again and
        # again: read a record (or its absence) once per session. The session's identity map
        # alone is not enough: it holds objects weakly, so an unchanged record no one refers to
        # is dropped and read again; this cache holds it until the session rolls back.
        name = self._key(key)
        cache: dict[str, FsmRecord | None] = session.info.setdefault("fsm_cache", {})
        if name not in cache:
            cache[name] = await session.get(FsmRecord, name)
        return cache[name]

    @staticmethod
    def _added(session: AsyncSession, record: FsmRecord) -> None:
        session.add(record)
        session.info.setdefault("fsm_cache", {})[record.key] = record

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with self._session() as session:
            record = await self._load(session, key)
            if record is None:
                if value is None:
                    return
                self._added(session, FsmRecord(key=self._key(key), state=value, data={}))
            else:
                record.state = value
                await self._drop_if_empty(session, record)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._session() as session:
            record = await self._load(session, key)
            return record.state if record else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        async with self._session() as session:
            record = await self._load(session, key)
            if record is None:
                if not data:
                    return
                self._added(session, FsmRecord(key=self._key(key), state=None,
                                               data=_copy(data)))
            elif record.data != data:  # the same data again (update_data of a known value): no write
                # A copy: the caller may go on changing its dict (and a nested one it got from
                # get_data), and the record must change only here, so the change is written.
                record.data = _copy(data)
                await self._drop_if_empty(session, record)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._session() as session:
            record = await self._load(session, key)
            # A deep copy, as aiogram's own storages return: a handler that edits a nested
            # value must not edit the cached record behind the ORM's back (nothing would be
            # written).
            return _copy(record.data) if record and record.data else {}

    async def forget_user(self, telegram_id: int) -> int:
        """Erase every conversation record of a person (used when consent is withdrawn)."""
        async with self._session() as session:
            result = await session.execute(
                delete(FsmRecord).where(FsmRecord.key.like(f"%:{telegram_id}:%"))
            )
            session.info.pop("fsm_cache", None)
            return rowcount(result) or 0

    async def keys(self) -> list[str]:
        async with self.sessionmaker() as session:
            return list((await session.scalars(select(FsmRecord.key))).all())

    @staticmethod
    async def _drop_if_empty(session: AsyncSession, record: FsmRecord) -> None:
        # An empty record is the same as no record; keep the table small.
        if record.state is None and not record.data:
            await session.delete(record)
            session.info.setdefault("fsm_cache", {})[record.key] = None

    async def close(self) -> None:
        return None
