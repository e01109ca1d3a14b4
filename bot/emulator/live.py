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
from bot.emulator.updates import Signal
from bot.i18n import create_translator
from bot.runtime.dashboard_server import dashboard_server
from bot.runtime.factory import Application, create_application, create_bot
from models.base import utcnow
from models.migrate import upgrade_async


class InFlight:
    """Counts updates being handled and remembers the finished ones, so a test can wait until
    the bot finished exactly the updates it was sent (the emulator alone only sees HTTP calls;
    a handler may think without calling Telegram). Registered as the outermost update
    middleware: "finished" is after the commit, the replies sent after it
    (bot/runtime/update_unit.py) and an error's apology."""

    def __init__(self) -> None:
        self.count = 0
        self.done: set[int] = set()
        self.changed = Signal()

    async def __call__(self, handler, event, data):
        self.count += 1
        try:
            return await handler(event, data)
        finally:
            self.count -= 1
            self.done.add(event.update_id)
            self.changed.notify()


@dataclass
class LiveBot:
    emulator: BotAPIEmulator
    app: Application
    bot: Bot
    task: asyncio.Task
    in_flight: InFlight
    # Updates another (earlier) bot already took: not this bot's to finish.
    taken_before: frozenset[int] = frozenset()

    def unfinished(self) -> set[int]:
        """Updates the emulator queued for this bot that it has not finished handling."""
        accepted = set(self.emulator.state.queue.accepted_ids) - self.taken_before
        return accepted - self.in_flight.done

    async def handled(self, limit: float = 15.0) -> None:
        """Wait until every update sent so far is finished: its transaction committed and its
        replies sent, so the database and the chats show its effect. Exact: no waiting for
        quiet. Messages the outbox sends later are not part of it (`outbox_sent`)."""
        deadline = asyncio.get_running_loop().time() + limit
        # Updates queued while one is handled are in `unfinished` too: wait for all of them.
        self.emulator.state.queue.signal.notify()
        while self.unfinished() or self.in_flight.count:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(
                    f"the bot did not finish update(s) {sorted(self.unfinished())} within "
                    f"{limit}s ({self.in_flight.count} in flight)")
            if self.task.done():
                self.task.result()  # re-raise why the bot stopped
                raise AssertionError("the bot stopped with updates unfinished")
            await self.in_flight.changed.wait(min(remaining, 0.5))

    async def journal_cleared(self, limit: float = 15.0) -> None:
        """Wait until the updates sent so far are finished and gone from the update journal
        (bot/runtime/polling.py removes finished ones in batches; the same statement clears their
        kept replies): the database then holds nothing of them but what they changed."""
        from sqlalchemy import func, select

        from models import JournaledUpdate

        await self.handled(limit)
        deadline = asyncio.get_running_loop().time() + limit
        while True:
            async with self.app.sessionmaker() as session:
                left = await session.scalar(select(func.count()).select_from(JournaledUpdate))
            if not left:
                return
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{left} update(s) still in the update journal")
            await asyncio.sleep(0.02)

    async def outbox_sent(self, limit: float = 15.0) -> None:
        """Wait until the updates sent so far are finished and the outbox has nothing due:
        every message the bot queued for now was sent (or failed for good)."""
        await self.handled(limit)
        deadline = asyncio.get_running_loop().time() + limit
        scheduler = self.app.dispatcher.workflow_data.get("scheduler")
        while True:
            sending = scheduler is not None and scheduler.sending
            if not sending and not await outbox_due(self.app):
                return
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("the outbox still has messages due")
            if scheduler is not None and not sending:
                scheduler.wake()
            await asyncio.sleep(0.02)

    async def settle(self, quiet: float = 0.2, limit: float = 15.0) -> None:
        """For the demo's narration: the updates finished, then the bot quiet for a moment
        (tests wait exactly: `handled`, `outbox_sent`, `wait_messages`)."""
        await self.handled(limit)
        await self.emulator.settle(quiet=quiet, timeout=limit)


async def outbox_due(app: Application) -> int:
    """Outbox rows being sent or due now (by the scheduler's clock, which a test may set)."""
    from sqlalchemy import func, or_, select

    from models.outbox import OutboxMessage, OutboxState

    scheduler = app.dispatcher.workflow_data.get("scheduler")
    now = scheduler.clock.now() if scheduler is not None else utcnow()
    async with app.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(OutboxMessage).where(or_(
            OutboxMessage.state == OutboxState.SENDING,
            (OutboxMessage.state == OutboxState.PENDING)
            & (OutboxMessage.next_attempt_at <= now)))) or 0


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
        # The curator's dashboard, as run_polling serves it (when DASHBOARD_URL is set).
        async with dashboard_server(app, bot):
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
