"""Meetings over the real polling loop with a controllable clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from bot.clock import ManualClock
from bot.emulator import BotAPIEmulator
from bot.emulator.live import LiveBot, live_bot
from bot.emulator.seed import seed_pair, seed_programme
from models import Participation, ParticipationState, Programme, User
from scheduler import JobContext
from tests.e2e.helpers import press, press_data

# Monday 23 November 2026, 10:00 in Moscow.
T0 = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
DENIED = "Это действие вам недоступно."
CURATOR_ONLY = "Эта команда доступна только куратору программы."


@dataclass
class World:
    live: LiveBot
    emulator: BotAPIEmulator
    clock: ManualClock
    programme_id: int
    organisation_id: int

    @property
    def scheduler(self):
        return self.live.app.dispatcher["scheduler"]

    async def person(self, telegram_id: int, role: str, name: str, timezone: str | None = None,
                     language: str = "ru"):
        """A participant who already joined (consent and questionnaire are not the point)."""
        async with self.live.app.sessionmaker() as session, session.begin():
            user = User(telegram_id=telegram_id, timezone=timezone)
            session.add(user)
            await session.flush()
            participation = Participation(programme_id=self.programme_id, user_id=user.id,
                                          role=role, state=ParticipationState.READY,
                                          age_group="18_plus", form="teacher_teacher",
                                          full_name=name)
            session.add(participation)
            await session.flush()
            pid = participation.id
        sim = self.emulator.user(telegram_id, first_name=name.split()[0], language_code=language)
        await sim.send("/start")  # the chat exists: the bot may write first from now on
        await self.live.handled()
        sim.mark_read()
        return sim, pid

    async def pair(self, mentor_pid: int, *mentee_pids: int) -> list[int]:
        return await seed_pair(self.live.app, mentor_participation_id=mentor_pid,
                               mentee_participation_ids=list(mentee_pids))

    async def deliver(self) -> None:
        """Let the handlers finish, then the outbox send what is due now (by the test's clock),
        and the updates that started (a press on what arrived) finish too."""
        await self.live.outbox_sent()
        await self.live.handled()

    def job_context(self) -> JobContext:
        app = self.live.app
        return JobContext(app.settings, app.sessionmaker, app.translator, self.clock,
                          self.live.bot, lambda: None)

    async def programme(self, **changes) -> None:
        async with self.live.app.sessionmaker() as session, session.begin():
            programme = await session.get(Programme, self.programme_id)
            for key, value in changes.items():
                setattr(programme, key, value)


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    emu = BotAPIEmulator(bot_username="mentorbot_test_bot")
    await emu.start()
    yield emu
    await emu.stop()


@pytest.fixture
async def world(settings, emulator) -> AsyncIterator[World]:
    settings = settings.model_copy(update={"outbox_tick_seconds": 0.3})
    async with live_bot(settings, emulator) as live:
        clock = ManualClock(T0)
        scheduler = live.app.dispatcher["scheduler"]
        scheduler.clock = clock
        scheduler.sender.clock = clock
        seeded = await seed_programme(live.app)
        yield World(live, emulator, clock, seeded.programme_id, seeded.organisation_id)


async def pressed(live: LiveBot, who, text: str) -> None:
    """Press an inline button and wait until the bot finished (and answered) the press."""
    await press(live, who, text)


async def pressed_data(live: LiveBot, who, data: str) -> str | None:
    return (await press_data(live, who, data)).text
