"""Pieces that let several instances share one bot: Redis FSM with per-user locks and bot-id
keys, leader takeover within a minute, forgetting old update ids."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from sqlalchemy import func, select

from bot.clock import Clock
from bot.runtime.factory import create_fsm
from bot.runtime.fsm_after_commit import AfterCommitStorage
from bot.services.updates import KEEP_FOR, claim_update
from models.base import utcnow
from models.processed_update import ProcessedUpdate
from scheduler.housekeeping import FORGET_UPDATES_JOB_ID, forget_processed_updates
from scheduler.jobs import JobContext
from scheduler.registry import default_registry
from scheduler.service import DeliveryScheduler


@pytest.fixture
async def emulator_live(settings, redis_url):
    from bot.emulator import BotAPIEmulator
    from bot.emulator.live import live_bot

    emu = BotAPIEmulator()
    await emu.start()
    try:
        async with live_bot(settings.model_copy(update={"redis_url": redis_url}), emu) as live:
            yield live, emu
    finally:
        await emu.stop()


async def test_redis_fsm_isolates_users_across_instances_and_keys_carry_the_bot_id(
        settings, app, redis_url):
    with_redis = settings.model_copy(update={"redis_url": redis_url, "fsm_lock_seconds": 7})
    storage, isolation = create_fsm(with_redis, app.sessionmaker)
    try:
        assert isinstance(storage, AfterCommitStorage)
        assert isinstance(storage.inner, RedisStorage)
        assert isinstance(isolation, RedisEventIsolation)
        assert isolation.lock_kwargs == {"timeout": 7}
        key = StorageKey(bot_id=4242, chat_id=5, user_id=5)
        await storage.set_state(key, "TimezoneForm:waiting")
        prefix = with_redis.redis_key_prefix  # this test's own (REDIS_KEY_PREFIX)
        keys = [k.decode() for k in await storage.redis.keys(f"{prefix}:*")]
        assert keys == [f"{prefix}:4242:5:5:state"]
        # a second "instance" (its own connection pool) sees the state and waits for the lock
        other, other_isolation = create_fsm(with_redis, app.sessionmaker)
        try:
            assert await other.get_state(key) == "TimezoneForm:waiting"
            async with isolation.lock(key):
                lock = other.redis.lock(f"{prefix}:4242:5:5:lock", timeout=1)
                assert not await lock.acquire(blocking=False)
        finally:
            await other.close()
    finally:
        await storage.close()


def test_follower_takes_over_within_a_minute(settings, translator, app):
    scheduler = DeliveryScheduler(settings, app.sessionmaker, translator)
    # a follower retries every election interval; the dead leader's lock is freed at once
    assert scheduler.election_seconds < 60


async def test_old_update_ids_are_forgotten_by_a_periodic_job(settings, app, translator):
    assert FORGET_UPDATES_JOB_ID in {job.job_id for job in default_registry().jobs()}
    async with app.sessionmaker() as session, session.begin():
        await claim_update(session, 1, 10)
        await claim_update(session, 1, 11)
        await session.execute(ProcessedUpdate.__table__.update()
                              .where(ProcessedUpdate.update_id == 10)
                              .values(processed_at=utcnow() - KEEP_FOR - timedelta(hours=1)))
    ctx = JobContext(settings, app.sessionmaker, translator, Clock(), None, lambda: None)
    assert await forget_processed_updates(ctx) == 1
    async with app.sessionmaker() as session:
        left = await session.scalars(select(ProcessedUpdate.update_id))
        assert list(left) == [11]
        assert await session.scalar(select(func.count()).select_from(ProcessedUpdate)) == 1


async def test_redis_state_changes_only_with_the_commit(settings, redis_url, emulator_live):
    """A handler that changed the conversation state and then failed (or died) leaves the
    state as it was, like its database changes: /timezone, then a typed zone whose handling
    fails after `state.clear()` is asked to be answered again, and is."""
    live, emulator = emulator_live
    user = emulator.user(901)
    await user.send("/timezone")
    await user.wait_messages(1)
    failures = {"left": 1}

    async def fail_once(handler, event, data):
        result = await handler(event, data)
        if failures["left"] and event.message and event.message.text == "Asia/Omsk":
            failures["left"] -= 1
            raise RuntimeError("the instance died before its commit")
        return result

    chain = live.app.dispatcher.update.outer_middleware._middlewares
    at = next(i for i, m in enumerate(chain) if type(m).__name__ == "UpdateMiddleware")
    chain.insert(at + 1, fail_once)  # inside the transaction: its changes roll back
    await user.send("Asia/Omsk")
    await live.handled()
    user.mark_read()
    await user.send("Asia/Omsk")  # as the redelivery would
    (saved,) = await user.wait_messages(1)
    assert "Asia/Omsk" in saved.text and "сохранён" in saved.text
