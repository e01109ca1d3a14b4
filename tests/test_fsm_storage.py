"""Conversation state is kept outside the process: in the database, or in Redis."""

from __future__ import annotations

import uuid

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey

from bot.db import create_engine, create_sessionmaker
from bot.fsm_storage import DatabaseStorage
from models.migrate import upgrade_async
from tests.conftest import REDIS_URL, service_missing

KEY = StorageKey(bot_id=1, chat_id=500, user_id=500)


async def roundtrip(storage_factory):
    storage = storage_factory()
    await storage.set_state(KEY, "Form:step2")
    await storage.update_data(KEY, {"answer": "да", "n": 3})
    await storage.close()
    # A new storage object, as after a restart, sees the same state.
    reopened = storage_factory()
    assert await reopened.get_state(KEY) == "Form:step2"
    assert await reopened.get_data(KEY) == {"answer": "да", "n": 3}
    await reopened.set_state(KEY, None)
    await reopened.set_data(KEY, {})
    assert await reopened.get_state(KEY) is None
    assert await reopened.get_data(KEY) == {}
    await reopened.close()


async def test_database_storage_survives_a_new_engine(sqlite_url):
    await upgrade_async(sqlite_url)
    engines = []

    def factory():
        engine = create_engine(sqlite_url)
        engines.append(engine)
        return DatabaseStorage(create_sessionmaker(engine))

    await roundtrip(factory)
    for engine in engines:
        await engine.dispose()


async def test_database_storage_forgets_a_person(sqlite_url):
    await upgrade_async(sqlite_url)
    engine = create_engine(sqlite_url)
    storage = DatabaseStorage(create_sessionmaker(engine))
    await storage.set_state(KEY, "Form:x")
    await storage.set_state(StorageKey(bot_id=1, chat_id=501, user_id=501), "Form:x")
    assert await storage.forget_user(500) == 1
    assert await storage.get_state(KEY) is None
    assert len(await storage.keys()) == 1
    await engine.dispose()


async def test_redis_storage_keeps_state_across_connections():
    from aiogram.fsm.storage.redis import RedisStorage
    from redis.asyncio import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    probe = Redis.from_url(REDIS_URL)
    try:
        await probe.ping()
    except (RedisConnectionError, OSError) as exc:
        service_missing("Redis", str(exc))
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    try:
        await roundtrip(lambda: RedisStorage(Redis.from_url(REDIS_URL),
                                             key_builder=DefaultKeyBuilder(prefix=prefix)))
    finally:
        keys = await probe.keys(f"{prefix}:*")
        if keys:
            await probe.delete(*keys)
        await probe.aclose()


@pytest.mark.parametrize("state", ["A:b", None])
async def test_empty_record_is_not_kept(sqlite_url, state):
    await upgrade_async(sqlite_url)
    engine = create_engine(sqlite_url)
    storage = DatabaseStorage(create_sessionmaker(engine))
    await storage.set_state(KEY, state)
    await storage.set_state(KEY, None)
    assert await storage.keys() == []
    await engine.dispose()
