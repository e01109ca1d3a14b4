"""Fault injection: each kind, expiry, randomness, and no side effect on faulted calls."""

from __future__ import annotations

import random
import time

import pytest
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.emulator import BotAPIEmulator, Fault

from .conftest import make_bot


@pytest.fixture
async def user(emu):
    person = emu.user(1001)
    await person.send("/start")
    return person


@pytest.mark.parametrize(
    ("kind", "exception", "status", "description"),
    [
        ("429", TelegramRetryAfter, 429, "Too Many Requests: retry after 7"),
        ("403", TelegramForbiddenError, 403, "Forbidden: bot was blocked by the user"),
        ("400_chat_not_found", TelegramBadRequest, 400, "Bad Request: chat not found"),
        ("500", TelegramServerError, 500, "Internal Server Error"),
        ("502", TelegramServerError, 502, "Bad Gateway"),
    ],
)
async def test_error_faults(emu, bot, raw, user, kind, exception, status, description):
    emu.inject(Fault(kind, method="sendMessage", retry_after=7))
    with pytest.raises(exception):
        await bot.send_message(1001, "faulted")
    assert emu.calls[-1].error_code == status and not emu.calls[-1].response_ok
    assert user.messages == []  # no side effect
    # Expired after one use.
    await bot.send_message(1001, "fine")
    assert [m.text for m in user.messages] == ["fine"]
    emu.inject(Fault(kind, retry_after=7))
    got_status, body = await raw.call("sendMessage", chat_id=1001, text="raw")
    assert got_status == status
    assert body["ok"] is False and body["error_code"] == status
    assert body["description"] == description
    if kind == "429":
        assert body["parameters"] == {"retry_after": 7}
        assert emu.count_429 == 2


async def test_fault_filters_by_method_and_chat(emu, bot, user):
    other = emu.user(1002)
    await other.send("hi")
    emu.inject(Fault("403", chat_id=1002, times=2))
    await bot.get_me()
    await bot.send_message(1001, "to 1001")
    for _ in range(2):
        with pytest.raises(TelegramForbiddenError):
            await bot.send_message(1002, "to 1002")
    await bot.send_message(1002, "to 1002")
    assert len(other.messages) == 1 and len(user.messages) == 1


async def test_slow_fault_delays_but_succeeds(emu, bot, user):
    emu.inject(Fault("slow", method="sendMessage", delay=0.4))
    started = time.monotonic()
    await bot.send_message(1001, "slow")
    assert time.monotonic() - started >= 0.4
    assert user.last_message.text == "slow"


async def test_drop_closes_connection_without_side_effect(emu, bot, user):
    emu.inject(Fault("drop", method="sendMessage"))
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(1001, "lost")
    assert user.messages == []
    assert emu.calls[-1].response_ok is False and emu.calls[-1].error_code is None
    await bot.send_message(1001, "after")
    assert [m.text for m in user.messages] == ["after"]


async def run_random(seed: int) -> list[bool]:
    emulator = BotAPIEmulator(rng=random.Random(seed))
    await emulator.start()
    bot = make_bot(emulator)
    try:
        await emulator.user(1001).send("hi")
        emulator.inject(Fault("500", method="sendMessage", probability=0.5))
        outcomes = []
        for _ in range(20):
            try:
                await bot.send_message(1001, "x")
                outcomes.append(True)
            except TelegramServerError:
                outcomes.append(False)
        emulator.clear_faults()
        await bot.send_message(1001, "after clear")
        return outcomes
    finally:
        await bot.session.close()
        await emulator.stop()


async def test_random_faults_are_reproducible():
    first, second = await run_random(5), await run_random(5)
    assert first == second
    assert 0 < first.count(False) < 20  # random faults do not expire after one


def test_unknown_kind_rejected():
    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault("418")
