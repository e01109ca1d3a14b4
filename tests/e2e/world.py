"""The world of the meetings and life-cycle tests: the live bot over the real polling loop, a manual
clock driving its scheduler and sender, one seeded programme (the `world` fixture,
tests/conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.clock import ManualClock
from bot.emulator import BotAPIEmulator
from bot.emulator.live import LiveBot
from bot.emulator.seed import seed_pair
from models import Participation, ParticipationState, Programme, User
from scheduler import JobContext
from tests.texts import t

# Monday 23 November 2026, 10:00 in Moscow.
T0 = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
DENIED = t("access.denied")
CURATOR_ONLY = t("access.curator_only")


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
