"""A flow interrupted by killing the bot process resumes at the same step after a restart."""

from __future__ import annotations

import pytest

from bot.emulator import BotAPIEmulator
from tests.conftest import (
    REDIS_TEST_DB,
    REDIS_URL,
    delete_redis_keys,
    redis_test_prefix,
    service_missing,
)
from tests.e2e.harness import BotProcess
from tests.e2e.helpers import journal_emptied, wait_polling


async def interrupted_flow_resumes(emulator: BotAPIEmulator, env: dict[str, str], tmp_path,
                                   after_kill=None) -> None:
    process = BotProcess(emulator, env, tmp_path)
    process.start()
    try:
        await wait_polling(emulator, 0)
        user = emulator.user(2001, first_name="Ирина", language_code="ru")
        await user.send("/timezone")
        (prompt,) = await user.wait_messages(1, timeout=20)
        assert "часовой пояс" in prompt.text
        # Finished for good (out of the update journal): killed now, the restarted bot does
        # not hand the update out again.
        await journal_emptied(env["DATABASE_URL"])
        process.kill()
        if after_kill is not None:
            await after_kill()

        calls_before = len(emulator.calls)
        process.start()
        await wait_polling(emulator, calls_before)
        await user.send("+7")
        (answer,) = await user.wait_messages(1, timeout=20)
        assert "Asia/Krasnoyarsk" in answer.text, process.output()
    finally:
        process.stop()


async def test_flow_resumes_after_sigkill_with_state_in_sqlite(emulator, tmp_path):
    await interrupted_flow_resumes(
        emulator, {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"}, tmp_path)


async def test_flow_resumes_after_sigkill_with_state_in_redis(emulator, tmp_path):
    from redis.asyncio import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    # The shared test Redis database; this test's keys carry a prefix of their own.
    redis_url = f"{REDIS_URL.rsplit('/', 1)[0]}/{REDIS_TEST_DB}"
    prefix = redis_test_prefix()
    probe = Redis.from_url(redis_url)
    try:
        await probe.ping()
    except (RedisConnectionError, OSError) as exc:
        service_missing("Redis", str(exc))

    async def state_is_in_redis() -> None:
        assert await probe.keys(f"{prefix}:*"), "the pending state was not kept in Redis"

    try:
        await interrupted_flow_resumes(emulator, {
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": prefix,
        }, tmp_path, after_kill=state_is_in_redis)
    finally:
        await delete_redis_keys(probe, prefix)
        await probe.aclose()


pytestmark = pytest.mark.timeout(120)
