from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.emulator import BotAPIEmulator
from bot.emulator.live import LiveBot, live_bot


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    emu = BotAPIEmulator(bot_username="mentorbot_test_bot")
    await emu.start()
    yield emu
    await emu.stop()


@pytest.fixture
async def live(settings, emulator) -> AsyncIterator[LiveBot]:
    async with live_bot(settings, emulator) as running:
        yield running
