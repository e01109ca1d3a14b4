"""Flood limits: sliding windows answered with Telegram's 429 shape."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiogram.exceptions import TelegramRetryAfter

from bot.emulator import BotAPIEmulator, RateLimits
from bot.emulator.limits import RateLimiter
from bot.emulator.models import ApiError


async def test_burst_to_one_private_chat(limited_emu, limited_bot):
    user = limited_emu.user(1001)
    await user.send("hi")
    await limited_bot.send_message(1001, "first")
    with pytest.raises(TelegramRetryAfter) as info:
        await limited_bot.send_message(1001, "second")
    assert info.value.retry_after == 1
    assert limited_emu.count_429 == 1
    assert [m.text for m in user.messages] == ["first"]
    await asyncio.sleep(info.value.retry_after)
    await limited_bot.send_message(1001, "second")
    assert [m.text for m in user.messages] == ["first", "second"]


async def test_429_json_shape(limited_emu):
    import aiohttp

    user = limited_emu.user(1001)
    await user.send("hi")
    url = f"{limited_emu.base_url}/bot{limited_emu.token}/sendMessage"
    async with aiohttp.ClientSession() as session:
        for expected in (200, 429):
            async with session.post(url, json={"chat_id": 1001, "text": "x"}) as resp:
                assert resp.status == expected
                body = await resp.json()
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }


async def test_other_chats_and_non_send_methods_are_not_limited(limited_emu, limited_bot):
    users = [limited_emu.user(2000 + i) for i in range(5)]
    for user in users:
        await user.send("hi")
    for user in users:
        await limited_bot.send_message(user.id, "one each")
    await limited_bot.send_chat_action(2000, "typing")
    assert limited_emu.count_429 == 0


async def test_failed_validation_does_not_use_the_window(limited_emu, limited_bot):
    from aiogram.exceptions import TelegramBadRequest

    user = limited_emu.user(1001)
    await user.send("hi")
    with pytest.raises(TelegramBadRequest):
        await limited_bot.send_message(1001, "<oops>", parse_mode="HTML")
    await limited_bot.send_message(1001, "fine")
    assert limited_emu.count_429 == 0


async def test_no_limits_when_not_configured(emu, bot):
    user = emu.user(1001)
    await user.send("hi")
    await asyncio.gather(*(bot.send_message(1001, str(i)) for i in range(10)))
    assert len(user.messages) == 10 and emu.count_429 == 0


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def retry_after(limiter: RateLimiter, chat_id: int) -> int | None:
    try:
        limiter.check(chat_id)
    except ApiError as error:
        assert error.code == 429
        return error.retry_after
    limiter.record(chat_id)
    return None


def test_group_per_minute_window():
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(group_per_minute=20), clock)
    for _ in range(20):
        assert retry_after(limiter, -100) is None
        clock.now += 1.0
    # 20 sends over 0..19 s; the oldest leaves the window at 60 s, now is 20 s.
    assert retry_after(limiter, -100) == 40
    clock.now = 1060.0
    assert retry_after(limiter, -100) is None


def test_global_per_second_window():
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(global_per_second=30), clock)
    for chat_id in range(1, 31):
        assert retry_after(limiter, chat_id) is None
    assert retry_after(limiter, 99) == 1
    clock.now += 1.0
    assert retry_after(limiter, 99) is None


def test_private_rate_fraction():
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(private_per_second=0.25), clock)
    assert retry_after(limiter, 7) is None
    clock.now += 1.5
    assert retry_after(limiter, 7) == 3  # ceil(4 - 1.5)
    clock.now += 2.5
    assert retry_after(limiter, 7) is None


async def test_global_limit_over_http():
    limits = RateLimits(global_per_second=3, private_per_second=100)
    async with BotAPIEmulator(limits=limits) as emulator:
        from .conftest import make_bot

        bot = make_bot(emulator)
        try:
            for i in range(4):
                await emulator.user(3000 + i).send("hi")
            started = time.monotonic()
            for i in range(3):
                await bot.send_message(3000 + i, "ok")
            with pytest.raises(TelegramRetryAfter):
                await bot.send_message(3003, "too many")
            assert time.monotonic() - started < 1
            assert emulator.count_429 == 1
        finally:
            await bot.session.close()
