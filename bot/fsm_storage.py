"""FSM storage in the application database, so conversations survive a restart without Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import current_session
from models import FsmRecord


class DatabaseStorage(BaseStorage):
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession],
                 key_builder: KeyBuilder | None = None) -> None:
        self.sessionmaker = sessionmaker
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        shared = current_session.get()
        if shared is not None:
            yield shared
            await shared.flush()
            return
        async with self.sessionmaker() as session, session.begin():
            yield session

    def _key(self, key: StorageKey) -> str:
        return self.key_builder.build(key)

    async def _load(self, session: AsyncSession, key: StorageKey) -> FsmRecord | None:
        return await session.get(FsmRecord, self._key(key))

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with self._session() as session:
            record = await self._load(session, key)
            if record is None:
                if value is None:
                    return
                session.add(FsmRecord(key=self._key(key), state=value, data={}))
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
                session.add(FsmRecord(key=self._key(key), state=None, data=dict(data)))
            else:
                record.data = dict(data)
                await self._drop_if_empty(session, record)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._session() as session:
            record = await self._load(session, key)
            return dict(record.data) if record and record.data else {}

    async def forget_user(self, telegram_id: int) -> int:
        """Erase every conversation record of a person (used when consent is withdrawn)."""
        async with self._session() as session:
            result = await session.execute(
                delete(FsmRecord).where(FsmRecord.key.like(f"%:{telegram_id}:%"))
            )
            return result.rowcount or 0

    async def keys(self) -> list[str]:
        async with self.sessionmaker() as session:
            return list((await session.scalars(select(FsmRecord.key))).all())

    @staticmethod
    async def _drop_if_empty(session: AsyncSession, record: FsmRecord) -> None:
        # An empty record is the same as no record; keep the table small.
        if record.state is None and not record.data:
            await session.delete(record)

    async def close(self) -> None:
        return None


async def forget_conversations(storage: BaseStorage, telegram_id: int) -> int:
    """Erase every conversation record that names the person, in whichever storage is used."""
    if isinstance(storage, DatabaseStorage):
        return await storage.forget_user(telegram_id)
    redis = getattr(storage, "redis", None)
    if redis is None:
        return 0
    removed = 0
    async for key in redis.scan_iter(match=f"*:{telegram_id}:*"):
        removed += await redis.delete(key)
    return removed
