"""Long polling that never confirms an update before it has been handled.

aiogram's polling asks for the next batch (which confirms the previous one to Telegram) while the
handlers of that batch still run as tasks: a crash in that window loses the person's message.
Here the offset only moves past updates whose handling finished (committed or answered with an
error), so after a crash Telegram hands the unfinished ones out again; update de-duplication
(bot/middlewares/dedupe.py) makes a redelivered, already committed update a no-op. Handlers still
run concurrently, one person's updates in order (events isolation)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.methods import GetUpdates
from aiogram.types import TelegramObject, Update
from aiogram.utils.backoff import Backoff, BackoffConfig

logger = logging.getLogger("mentorbot.polling")

# When every update Telegram returned is still being handled, wait this long before asking again
# instead of spinning (unconfirmed updates come back at once).
IDLE_WAIT_SECONDS = 0.2
DEFAULT_BACKOFF = BackoffConfig(min_delay=1.0, max_delay=5.0, factor=1.3, jitter=0.1)


class UpdateTracker(BaseMiddleware):
    """Knows which fetched updates are not finished yet; registered outside the session
    middleware, so "finished" means after the commit."""

    def __init__(self) -> None:
        self.unfinished: set[int] = set()
        self.finished = asyncio.Event()

    def fetched(self, update_id: int) -> None:
        self.unfinished.add(update_id)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        finally:
            self.unfinished.discard(event.update_id)  # type: ignore[attr-defined]
            self.finished.set()


class SafePollingDispatcher(Dispatcher):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.update_tracker = UpdateTracker()
        self.update.outer_middleware(self.update_tracker)

    async def _listen_updates(  # type: ignore[override]
        self,
        bot: Bot,
        polling_timeout: int = 30,
        backoff_config: BackoffConfig = DEFAULT_BACKOFF,
        allowed_updates: list[str] | None = None,
    ) -> AsyncGenerator[Update, None]:
        tracker = self.update_tracker
        backoff = Backoff(config=backoff_config)
        request_timeout = int((bot.session.timeout or 60) + polling_timeout)
        next_offset: int | None = None
        while True:
            # Confirm only what is finished: the oldest unfinished update is asked for again.
            offset = min(tracker.unfinished) if tracker.unfinished else next_offset
            method = GetUpdates(offset=offset, timeout=polling_timeout,
                                allowed_updates=allowed_updates)
            try:
                updates = await bot(method, request_timeout=request_timeout)
            except Exception as exc:
                logger.error("failed to fetch updates: %s", type(exc).__name__)
                await backoff.asleep()
                continue
            backoff.reset()
            fresh = [u for u in updates if u.update_id not in tracker.unfinished
                     and (next_offset is None or u.update_id >= next_offset)]
            for update in fresh:
                tracker.fetched(update.update_id)
                next_offset = max(next_offset or 0, update.update_id + 1)
                yield update
            if updates and not fresh:
                tracker.finished.clear()
                try:
                    await asyncio.wait_for(tracker.finished.wait(), IDLE_WAIT_SECONDS)
                except TimeoutError:
                    pass
