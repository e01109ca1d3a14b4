"""The PostgreSQL path for real: the claim query with two concurrent senders, the upsert,
and the advisory-lock leader election. Each test module gets its own database."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator

import pytest

from bot.db import create_engine, create_sessionmaker
from bot.delivery.rate_limit import RateLimiter
from bot.delivery.render import Renderer
from bot.delivery.sender import OutboxSender
from bot.services.notices import outbox
from models import OutboxState
from models.migrate import upgrade
from scheduler.leader import PostgresAdvisoryLock, asyncpg_dsn
from tests.conftest import postgres_database_sync
from tests.delivery.conftest import T0, emulator_bot, enqueue_texts, rows, start_emulator


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with postgres_database_sync() as url:
        upgrade(url)
        yield url


@pytest.fixture
async def pg(pg_url):
    engine = create_engine(pg_url)
    sessionmaker = create_sessionmaker(engine)
    async with engine.begin() as connection:
        from sqlalchemy import text

        await connection.execute(text("TRUNCATE outbox, users RESTART IDENTITY CASCADE"))
    yield sessionmaker
    await engine.dispose()


async def test_enqueue_dedupe_and_cancel_on_postgres(pg):
    async with pg() as session, session.begin():
        assert await outbox.enqueue(session, about=outbox.NOBODY, chat_id=1, kind="reminder", text="x", due_at=T0,
                                    dedupe_key="meeting:1:user:1")
        assert not await outbox.enqueue(session, about=outbox.NOBODY, chat_id=1, kind="reminder", text="x",
                                        due_at=T0, dedupe_key="meeting:1:user:1")
        assert await outbox.cancel(session, dedupe_prefix="meeting:1:") == 1


async def test_two_concurrent_senders_never_send_a_row_twice(pg, pg_url, settings, translator,
                                                             clock):
    emu = await start_emulator(global_per_second=400)
    second_engine = create_engine(pg_url)
    bots = []
    try:
        ids = list(range(5001, 5601))
        for chat_id in ids:
            await emu.user(chat_id).send("/start")
        await enqueue_texts(pg, ids)

        def sender(sessionmaker):
            bot = emulator_bot(settings, emu, send_per_second=150)
            bots.append(bot)
            return OutboxSender(bot=bot, sessionmaker=sessionmaker, clock=clock,
                                renderer=Renderer(translator, "ru", "Europe/Moscow"),
                                limiter=RateLimiter(global_per_second=150), batch_size=20)

        a = sender(pg)
        b = sender(create_sessionmaker(second_engine))
        stats_a, stats_b = await asyncio.gather(a.run_until_idle(), b.run_until_idle())
        assert stats_a.sent + stats_b.sent == 600
        assert stats_a.sent > 50 and stats_b.sent > 50  # both really worked
        per_chat = Counter(int(c.params["chat_id"]) for c in emu.calls
                           if c.method.lower() == "sendmessage")
        assert set(per_chat) == set(ids) and set(per_chat.values()) == {1}
        assert {r.state for r in await rows(pg)} == {OutboxState.SENT}
        assert emu.count_429 == 0
    finally:
        for bot in bots:
            await bot.session.close()
        await second_engine.dispose()
        await emu.stop()


async def test_claim_skips_rows_locked_by_another_claimer(pg):
    from bot.delivery.store import OutboxStore

    await enqueue_texts(pg, list(range(1, 11)))
    store = OutboxStore(pg)
    first, second = await asyncio.gather(store.claim(T0, 6, 60), store.claim(T0, 6, 60))
    ids_a, ids_b = {m.id for m in first}, {m.id for m in second}
    assert not ids_a & ids_b and len(ids_a | ids_b) == 10


async def test_advisory_lock_has_one_leader_and_fails_over(pg_url):
    dsn = asyncpg_dsn(pg_url)
    leader, follower = PostgresAdvisoryLock(dsn, key=4242), PostgresAdvisoryLock(dsn, key=4242)
    try:
        assert await leader.try_acquire()
        assert await leader.still_held()
        assert not await follower.try_acquire()
        leader._connection.terminate()  # the leader's process dies: the server frees the lock
        assert not await leader.still_held()
        for _ in range(50):
            if await follower.try_acquire():
                break
            await asyncio.sleep(0.1)
        assert await follower.still_held()
    finally:
        await leader.release()
        await follower.release()
