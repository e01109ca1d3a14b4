"""The scheduler wired into the dispatcher: start/stop, catch-up after downtime, expiry,
periodic jobs from the registry, and one leader per database."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.interval import IntervalTrigger

from bot.runtime.factory import create_dispatcher
from bot.services.notices import outbox
from models import OutboxState
from scheduler import DeliveryScheduler, JobRegistry
from scheduler.leader import FileLeaderLock, PostgresAdvisoryLock, leader_lock_for
from tests.delivery.conftest import emulator_bot, enqueue_texts, rows


async def wait_for(predicate, seconds=15.0):
    deadline = asyncio.get_running_loop().time() + seconds
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_everything_due_during_downtime_goes_out_once_on_start(
        settings, db, translator, emu, caplog):
    settings = settings.model_copy(update={"outbox_tick_seconds": 0.2,
                                           "outbox_global_per_second": 100})
    now = datetime.now(UTC)
    ids = list(range(301, 341))
    for chat_id in ids:
        await emu.user(chat_id).send("/start")
    # due while the bot was down (days ago), plus reminders whose moment has passed
    await enqueue_texts(db, ids, due_at=now - timedelta(days=2))
    await enqueue_texts(db, ids[:5], prefix="stale", due_at=now - timedelta(days=2),
                        expires_at=now - timedelta(days=1))
    registry = JobRegistry()
    runs = []

    async def digest(ctx):
        runs.append(ctx.clock.now())
        async with ctx.sessionmaker() as session, session.begin():
            await outbox.enqueue(session, about=outbox.NOBODY, chat_id=ids[0], kind="digest", text="digest",
                                 due_at=ctx.clock.now(), dedupe_key=f"digest:{len(runs)}")
        ctx.wake_sender()

    registry.register("test_digest", digest, IntervalTrigger(seconds=0.5),
                      next_run_time=now + timedelta(seconds=0.3))
    dp = create_dispatcher(settings, db, translator)
    service: DeliveryScheduler = dp["scheduler"]
    service.registry = registry
    service.election_seconds = 0.2
    bot = emulator_bot(settings, emu)
    caplog.set_level(logging.INFO, logger="mentorbot")
    try:
        await dp.emit_startup(bot=bot, dispatcher=dp)
        assert service.running

        async def delivered():
            return len([r for r in await rows(db) if r.state == OutboxState.SENT]) >= 41

        await wait_for(delivered)
        assert service.is_leader and runs
    finally:
        await dp.emit_shutdown(bot=bot, dispatcher=dp)
        await bot.session.close()
    assert not service.running and not service.is_leader
    counts = Counter(int(c.params["chat_id"]) for c in emu.calls
                     if c.method.lower() == "sendmessage" and c.response_ok
                     and c.params["text"].startswith("m #"))
    assert set(counts) == set(ids) and set(counts.values()) == {1}
    stale = [r for r in await rows(db) if r.dedupe_key.startswith("stale")]
    assert {(r.state, r.last_error) for r in stale} == {(OutboxState.CANCELLED, "expired")}
    assert "5 expired message(s) dropped" in caplog.text


async def test_one_leader_per_database(settings, db, translator, emu):
    # SQLite: a lock file beside the database; PostgreSQL (TEST_BACKEND=postgres): an advisory
    # lock in the database.
    settings = settings.model_copy(update={"outbox_tick_seconds": 0.2})
    first = DeliveryScheduler(settings, db, translator, registry=JobRegistry(),
                              election_seconds=0.1)
    second = DeliveryScheduler(settings, db, translator, registry=JobRegistry(),
                               election_seconds=0.1)
    if settings.database_url.startswith("sqlite"):
        assert isinstance(first.lock, FileLeaderLock)
        assert str(first.lock.path).endswith("mentorbot.db.scheduler.lock")
    else:
        assert isinstance(first.lock, PostgresAdvisoryLock)
    bot = emulator_bot(settings, emu)
    try:
        await first.start(bot)
        await wait_for(lambda: _true(first.is_leader))
        await second.start(bot)
        await asyncio.sleep(0.5)
        assert first.is_leader and not second.is_leader
        await first.stop()
        await wait_for(lambda: _true(second.is_leader))  # takes over
    finally:
        await first.stop()
        await second.stop()
        await bot.session.close()


async def _true(value):
    return value


async def test_an_election_triggered_as_the_bot_stops_leaves_the_lock_free(settings, db,
                                                                          translator, emu):
    # APScheduler's shutdown does not cancel a job it started a moment before: such an
    # election once re-took the lock after stop() had released it (the stopped bot then led,
    # its sender running on, and no other instance could lead).
    service = DeliveryScheduler(settings, db, translator, registry=JobRegistry(),
                                election_seconds=60)
    bot = emulator_bot(settings, emu)
    try:
        await service.start(bot)
        await wait_for(lambda: _true(service.is_leader))
        election = asyncio.create_task(service._elect())  # started, not yet run
        await service.stop()
        await election
        assert not service.is_leader and not service.sending
        successor = leader_lock_for(settings.database_url)
        assert await successor.try_acquire()
        await successor.release()
    finally:
        await service.stop()
        await bot.session.close()


def test_in_memory_sqlite_needs_no_lock():
    from scheduler.leader import AlwaysLeader

    assert isinstance(leader_lock_for("sqlite+aiosqlite:///:memory:"), AlwaysLeader)


async def test_the_sender_woken_by_an_update_does_not_share_its_write_turn(settings, db,
                                                                           translator):
    # Woken from an update's commit, the sender loop once inherited the update's write turn and
    # could take SQLite's writer lock for it after the update ended: every later write hung.
    from bot.db import WriteTurn, current_turn

    scheduler = DeliveryScheduler(settings, db, translator, registry=JobRegistry())
    seen = []

    class Sender:
        async def run_until_idle(self):
            seen.append(current_turn.get())

    scheduler.sender, scheduler._is_leader = Sender(), True
    token = current_turn.set(WriteTurn(asyncio.Lock()))
    try:
        scheduler.wake()
    finally:
        current_turn.reset(token)
    await scheduler._send_task
    assert seen == [None]
