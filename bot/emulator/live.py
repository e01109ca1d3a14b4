"""Running the real bot in this process against the emulator: the polling loop over HTTP, and a
way to wait until every update the emulator handed out has been handled. Used by the tests, the
demo and the benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from aiogram import Bot

from bot.config import Settings
from bot.emulator.server import BotAPIEmulator
from bot.i18n import create_translator
from bot.runtime.factory import Application, create_application, create_bot
from models.migrate import upgrade_async


class InFlight:
    """Counts updates being handled, so a test can wait until the bot finished them (the
    emulator alone only sees HTTP calls; a handler may think without calling Telegram)."""

    def __init__(self) -> None:
        self.count = 0
        self.done: set[int] = set()

    async def __call__(self, handler, event, data):
        self.count += 1
        try:
            return await handler(event, data)
        finally:
            self.count -= 1
            self.done.add(event.update_id)


@dataclass
class LiveBot:
    emulator: BotAPIEmulator
    app: Application
    bot: Bot
    task: asyncio.Task
    in_flight: InFlight
    # Updates another (earlier) bot already took: not this bot's to finish.
    taken_before: frozenset[int] = frozenset()

    async def settle(self, quiet: float = 0.2, limit: float = 15.0) -> None:
        deadline = asyncio.get_running_loop().time() + limit
        while True:
            await self.emulator.settle(quiet=quiet, timeout=limit)
            accepted = set(self.emulator.state.queue.accepted_ids) - self.taken_before
            if self.in_flight.count == 0 and accepted <= self.in_flight.done:
                return
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("the bot is still handling updates")
            await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def live_bot(settings: Settings, emulator: BotAPIEmulator,
                   prepare: Callable[[Application], None] | None = None) -> AsyncIterator[LiveBot]:
    """The real polling loop in this process, talking HTTP to the emulator. `prepare` may
    adjust the application (e.g. a test's extra handler) before polling starts."""
    settings = settings.model_copy(update={"telegram_api_base": emulator.base_url})
    await upgrade_async(settings.database_url)
    app = create_application(settings, create_translator(settings.default_locale, strict=True))
    if prepare is not None:
        prepare(app)
    bot = create_bot(settings, token=emulator.token)
    in_flight = InFlight()
    # Outermost: an update is finished once its commit, the replies sent after it
    # (bot/runtime/update_unit.py) and an error's apology are done.
    app.dispatcher.update.outer_middleware._middlewares.insert(0, in_flight)
    task = asyncio.create_task(app.dispatcher.start_polling(
        bot, handle_signals=False, close_bot_session=False, polling_timeout=1,
        allowed_updates=app.dispatcher.resolve_used_update_types()))
    try:
        await _wait_until_polling(emulator, task)
        queue = emulator.state.queue
        taken = frozenset(set(queue.accepted_ids) - {u["update_id"] for u in queue.pending})
        yield LiveBot(emulator, app, bot, task, in_flight, taken)
    finally:
        with contextlib.suppress(RuntimeError):
            await app.dispatcher.stop_polling()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, 10)
        await bot.session.close()
        await app.close()


async def _wait_until_polling(emulator: BotAPIEmulator, task: asyncio.Task, limit: float = 30.0
                              ) -> None:
    """Start-up (migrations aside: commands menu, getMe) is over once the first getUpdates
    arrives; before that a test's first update could race the start-up hooks."""
    deadline = asyncio.get_running_loop().time() + limit
    while not any(call.method == "getUpdates" for call in emulator.calls):
        if task.done():
            task.result()  # re-raise why polling stopped
            raise RuntimeError("polling stopped before it started")
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("the bot did not start polling")
        await asyncio.sleep(0.02)
