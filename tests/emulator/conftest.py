"""Fixtures: a running emulator, a real aiogram Bot pointed at it, and a raw HTTP helper."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.emulator import BotAPIEmulator, RateLimits


@pytest.fixture
async def emu() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator() as emulator:
        yield emulator


@pytest.fixture
async def limited_emu() -> AsyncIterator[BotAPIEmulator]:
    limits = RateLimits(global_per_second=30, private_per_second=1.0, group_per_minute=20)
    async with BotAPIEmulator(limits=limits) as emulator:
        yield emulator


def make_bot(emulator: BotAPIEmulator, token: str | None = None) -> Bot:
    assert emulator.base_url is not None
    session = AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url))
    return Bot(token or emulator.token, session=session)


@pytest.fixture
async def bot(emu: BotAPIEmulator) -> AsyncIterator[Bot]:
    instance = make_bot(emu)
    yield instance
    await instance.session.close()


@pytest.fixture
async def limited_bot(limited_emu: BotAPIEmulator) -> AsyncIterator[Bot]:
    instance = make_bot(limited_emu)
    yield instance
    await instance.session.close()


class RawApi:
    """Plain HTTP calls, to check Telegram's exact JSON shapes and status codes."""

    def __init__(self, emulator: BotAPIEmulator, session: aiohttp.ClientSession) -> None:
        self.emulator = emulator
        self.session = session

    async def call(
        self, method: str, token: str | None = None, form: bool = False, **params: Any
    ) -> tuple[int, dict[str, Any]]:
        url = f"{self.emulator.base_url}/bot{token or self.emulator.token}/{method}"
        if form:
            async with self.session.post(url, data=params) as resp:
                return resp.status, await resp.json()
        async with self.session.post(url, json=params) as resp:
            return resp.status, await resp.json()


@pytest.fixture
async def raw(emu: BotAPIEmulator) -> AsyncIterator[RawApi]:
    async with aiohttp.ClientSession() as session:
        yield RawApi(emu, session)
