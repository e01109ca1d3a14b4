"""Fixtures for delivery tests: a migrated SQLite database, an emulator, a sender."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiogram import Bot
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from bot.config import Settings
from bot.db import create_engine, create_sessionmaker
from bot.delivery.rate_limit import RateLimiter
from bot.delivery.render import Renderer
from bot.delivery.sender import OutboxSender
from bot.emulator import BotAPIEmulator, RateLimits
from bot.runtime.factory import create_bot
from bot.services.notices import outbox
from models import OutboxMessage, User
from tests.conftest import migrated

T0 = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    await migrated(settings.database_url)
    engine = create_engine(settings.database_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


async def start_emulator(global_per_second: int = 30, private_per_second: float = 1.0,
                         group_per_minute: int = 20) -> BotAPIEmulator:
    emu = BotAPIEmulator(limits=RateLimits(global_per_second=global_per_second,
                                           private_per_second=private_per_second,
                                           group_per_minute=group_per_minute))
    await emu.start()
    return emu


@pytest.fixture
async def emu() -> AsyncIterator[BotAPIEmulator]:
    emulator = await start_emulator()
    yield emulator
    await emulator.stop()


def emulator_bot(settings: Settings, emu: BotAPIEmulator, send_per_second: float | None = None
                 ) -> Bot:
    # The production Bot (RetryAfterMiddleware, the send budget on its session) pointed at the
    # emulator; the budget follows the outbox's rate when a test sends faster than 25/s.
    update: dict[str, Any] = {"telegram_api_base": emu.base_url}
    rate = send_per_second or settings.outbox_global_per_second
    if rate > settings.send_per_second:
        update["send_per_second"] = rate
    configured = settings.model_copy(update=update)
    return create_bot(configured, token=emu.token)


@pytest.fixture
async def make_sender(settings: Settings, db, translator, clock
                      ) -> AsyncIterator[Callable[..., OutboxSender]]:
    bots: list[Bot] = []

    def factory(emu: BotAPIEmulator, *, global_per_second: float = 25.0,
                use_clock: bool = True, **options: Any) -> OutboxSender:
        bot = emulator_bot(settings, emu, send_per_second=global_per_second)
        bots.append(bot)
        options.setdefault("backoff_base", 0.05)
        return OutboxSender(
            bot=bot, sessionmaker=db,
            renderer=Renderer(translator, "ru", settings.default_timezone),
            clock=clock if use_clock else None,
            limiter=RateLimiter(global_per_second=global_per_second), **options)

    yield factory
    for bot in bots:
        await bot.session.close()


async def add_user(db, telegram_id: int, locale: str | None = None,
                   timezone: str | None = None) -> int:
    async with db() as session, session.begin():
        user = User(telegram_id=telegram_id, locale=locale, timezone=timezone)
        session.add(user)
        await session.flush()
        return user.id


async def enqueue_texts(db, chat_ids: list[int], *, due_at: datetime = T0, prefix: str = "m",
                        **options: Any) -> None:
    async with db() as session, session.begin():
        for index, chat_id in enumerate(chat_ids):
            await outbox.enqueue(session, about=outbox.NOBODY, chat_id=chat_id, kind="announcement", due_at=due_at,
                                 dedupe_key=f"{prefix}:{index}:{chat_id}",
                                 text=f"{prefix} #{index} to {chat_id}", **options)


async def rows(db) -> list[OutboxMessage]:
    async with db() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def drain(sender: OutboxSender, clock: ManualClock | None = None, rounds: int = 50,
                step: timedelta = timedelta(minutes=30)) -> None:
    """Run the sender until nothing is pending, moving the clock past each backoff."""
    from models import OutboxState

    for _ in range(rounds):
        await sender.run_until_idle()
        pending = [r for r in await rows(sender.store.sessionmaker)
                   if r.state in (OutboxState.PENDING, OutboxState.SENDING)]
        if not pending:
            return
        if clock is not None:
            clock.advance(step.total_seconds())
    raise AssertionError("outbox did not drain")


def sent_texts(emu: BotAPIEmulator, chat_id: int | None = None) -> list[str]:
    return [c.params.get("text") for c in emu.calls
            if c.method.lower() == "sendmessage" and c.response_ok
            and (chat_id is None or int(c.params["chat_id"]) == chat_id)]
