"""Fixtures for the scale path: a fresh PostgreSQL database, a dedicated Redis db, the
emulator, and the bot in webhook mode in this process."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.engine import make_url

from bot.emulator import BotAPIEmulator
from scheduler.leader import asyncpg_dsn
from tests.conftest import POSTGRES_URL, service_missing

# The scale tests' Redis database; shared by concurrent runs, which keep apart by key prefix
# (the `redis_key_prefix` fixture, never a flush).
SCALE_REDIS_DB = 12


async def pg_admin(sql: str) -> None:
    import asyncpg

    url = make_url(POSTGRES_URL).set(database="postgres")
    connection = await asyncpg.connect(asyncpg_dsn(url.render_as_string(hide_password=False)),
                                       timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database (dropped afterwards)."""
    name = f"mb_scale_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(pg_admin(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # unreachable server, refused auth, ...
        service_missing("PostgreSQL", repr(exc))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def redis_url(redis_key_prefix: str) -> Iterator[str]:
    import redis

    url = f"redis://127.0.0.1:6379/{SCALE_REDIS_DB}"
    try:
        client = redis.Redis.from_url(url, socket_timeout=3)
        client.ping()
    except Exception as exc:
        service_missing("Redis", repr(exc))
    try:
        yield url
    finally:
        keys = list(client.scan_iter(match=f"{redis_key_prefix}:*", count=500))
        if keys:
            client.unlink(*keys)
        client.close()


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    emu = BotAPIEmulator(bot_username="mentorbot_test_bot", webhook_parallel=True)
    await emu.start()
    yield emu
    await emu.stop()
