"""Conversation state is kept outside the process: in the database, or in Redis."""

from __future__ import annotations

import uuid

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey

from bot.db import create_engine, create_sessionmaker
from bot.runtime.fsm_storage import DatabaseStorage
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


async def test_a_nested_value_changed_within_one_update_is_written(sqlite_url):
    # One update's session reads the record once; a handler that edits a nested dict it got
    # from get_data and stores it back must see its change in the database (the meeting
    # planner keeps its steps in {"plan": {...}}).
    from bot.db import current_session

    await upgrade_async(sqlite_url)
    engine = create_engine(sqlite_url)
    sessionmaker = create_sessionmaker(engine)
    storage = DatabaseStorage(sessionmaker)
    await storage.set_data(KEY, {"plan": {"pair": 1}})
    async with sessionmaker() as session, session.begin():
        token = current_session.set(session)
        try:
            plan = (await storage.get_data(KEY))["plan"]
            plan["day"] = "2026-11-25"
            assert await storage.get_data(KEY) == {"plan": {"pair": 1}}  # not edited behind
            await storage.update_data(KEY, {"plan": plan})
            plan["time"] = "16:00"  # changed after storing: not stored
        finally:
            current_session.reset(token)
    assert await DatabaseStorage(create_sessionmaker(engine)).get_data(KEY) == {
        "plan": {"pair": 1, "day": "2026-11-25"}}
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


async def test_forgetting_a_person_in_redis_spares_the_lock_and_other_bots():
    # /forget runs inside the person's update, which holds their Redis lock: deleting the lock
    # made the update fail on release ("Cannot release a lock that's no longer owned").
    from aiogram.fsm.storage.redis import RedisStorage
    from redis.asyncio import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    from bot.config import load_settings
    from bot.runtime.factory import create_fsm
    from bot.telegram.conversations import forget_conversations

    probe = Redis.from_url(REDIS_URL)
    try:
        await probe.ping()
    except (RedisConnectionError, OSError) as exc:
        service_missing("Redis", str(exc))
    mine, other = f"test-{uuid.uuid4().hex[:8]}", f"test-{uuid.uuid4().hex[:8]}"
    settings = load_settings(redis_url=REDIS_URL, redis_key_prefix=mine, _env_file=None)
    storage, isolation = create_fsm(settings, sessionmaker=None)
    neighbour = RedisStorage(Redis.from_url(REDIS_URL), key_builder=DefaultKeyBuilder(prefix=other))
    try:
        await storage.inner.set_state(KEY, "Form:x")
        await storage.inner.set_state(StorageKey(bot_id=1, chat_id=501, user_id=501), "Form:x")
        await neighbour.set_state(KEY, "Form:x")  # another bot sharing the Redis
        async with isolation.lock(KEY):
            assert await forget_conversations(storage, 500) == 1
        assert await storage.inner.get_state(KEY) is None
        assert await storage.inner.get_state(StorageKey(bot_id=1, chat_id=501, user_id=501))
        assert await neighbour.get_state(KEY) == "Form:x"
    finally:
        keys = await probe.keys(f"{mine}:*") + await probe.keys(f"{other}:*")
        if keys:
            await probe.delete(*keys)
        await storage.close()
        await neighbour.close()
        await probe.aclose()


async def test_a_conversation_is_written_once_at_the_commit_and_not_after_a_rollback(app):
    """Within an update the conversation changes in memory and is stored by one statement
    when the transaction commits; a rolled back update leaves the stored conversation as it
    was, and the next transaction reads it again from the database."""
    from sqlalchemy import event

    from bot.db import current_session

    engine, sessionmaker = app.engine, app.sessionmaker
    storage = DatabaseStorage(sessionmaker)
    await storage.set_state(KEY, "Form:name")
    await storage.set_data(KEY, {"step": 1})
    writes: list[str] = []

    def statement(conn, cursor, sql, parameters, context, executemany):
        if "fsm_records" in sql and not sql.lstrip().upper().startswith("SELECT"):
            writes.append(sql)

    event.listen(engine.sync_engine, "before_cursor_execute", statement)

    async def in_update(*steps, commit: bool) -> None:
        async with sessionmaker() as session:
            token = current_session.set(session)
            try:
                for step in steps:
                    await step()
                assert writes == []  # nothing written before the end of the update
                await (session.commit() if commit else session.rollback())
            finally:
                current_session.reset(token)

    async def next_question() -> None:
        await storage.set_state(KEY, "Form:age")
        await storage.update_data(KEY, {"step": 2})
        await storage.update_data(KEY, {"name": "Анна"})

    await in_update(next_question, commit=False)
    assert writes == []
    assert await storage.get_state(KEY) == "Form:name"
    assert await storage.get_data(KEY) == {"step": 1}

    await in_update(next_question, commit=True)
    assert len(writes) == 1  # three changes, one statement
    assert await storage.get_state(KEY) == "Form:age"
    assert await storage.get_data(KEY) == {"step": 2, "name": "Анна"}

    writes.clear()

    async def finish() -> None:
        await storage.set_state(KEY, None)
        await storage.set_data(KEY, {})

    await in_update(finish, commit=True)
    assert len(writes) == 1 and writes[0].lstrip().upper().startswith("DELETE")
    assert await storage.keys() == []

    writes.clear()

    async def start_and_cancel() -> None:  # a flow begun and cancelled in one update
        await storage.set_state(KEY, "Form:name")
        await storage.set_state(KEY, None)

    await in_update(start_and_cancel, commit=True)
    assert writes == [] and await storage.keys() == []
    event.remove(engine.sync_engine, "before_cursor_execute", statement)
