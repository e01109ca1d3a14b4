"""Pieces that let several instances share one bot: Redis FSM with per-user locks and bot-id
keys, leader takeover within a minute, forgetting old update ids."""

from __future__ import annotations

from datetime import timedelta

from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from sqlalchemy import func, select

from bot.clock import Clock
from bot.factory import create_fsm
from bot.services.updates import KEEP_FOR, claim_update
from models.base import utcnow
from models.processed_update import ProcessedUpdate
from scheduler.housekeeping import FORGET_UPDATES_JOB_ID, forget_processed_updates
from scheduler.jobs import JobContext, default_registry
from scheduler.service import DeliveryScheduler


async def test_redis_fsm_isolates_users_across_instances_and_keys_carry_the_bot_id(
        settings, app, redis_url):
    with_redis = settings.model_copy(update={"redis_url": redis_url, "fsm_lock_seconds": 7})
    storage, isolation = create_fsm(with_redis, app.sessionmaker)
    try:
        assert isinstance(storage, RedisStorage)
        assert isinstance(isolation, RedisEventIsolation)
        assert isolation.lock_kwargs == {"timeout": 7}
        key = StorageKey(bot_id=4242, chat_id=5, user_id=5)
        await storage.set_state(key, "TimezoneForm:waiting")
        keys = [k.decode() for k in await storage.redis.keys("fsm:*")]
        assert keys == ["fsm:4242:5:5:state"]
        # a second "instance" (its own connection pool) sees the state and waits for the lock
        other, other_isolation = create_fsm(with_redis, app.sessionmaker)
        try:
            assert await other.get_state(key) == "TimezoneForm:waiting"
            async with isolation.lock(key):
                lock = other.redis.lock("fsm:4242:5:5:lock", timeout=1)
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
    assert FORGET_UPDATES_JOB_ID in {job.job_id for job in default_registry.jobs()}
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
