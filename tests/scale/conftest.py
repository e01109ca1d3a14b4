"""Fixtures for the scale path: a fresh PostgreSQL database, a dedicated Redis db, the
emulator, and the bot in webhook mode in this process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.emulator import BotAPIEmulator
from tests.conftest import postgres_database_sync, service_missing

# The scale tests' Redis database; shared by concurrent runs, which keep apart by key prefix
# (the `redis_key_prefix` fixture, never a flush).
SCALE_REDIS_DB = 12


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database (dropped afterwards)."""
    with postgres_database_sync() as url:
        yield url


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
