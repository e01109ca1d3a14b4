"""Long polling that never confirms an update before it has been handled.

aiogram's polling asks for the next batch (which confirms the previous one to Telegram) while the
handlers of that batch still run as tasks: a crash in that window loses the person's message.
Here the offset only moves past updates whose handling finished (committed or answered with an
error), so after a crash Telegram hands the unfinished ones out again; update de-duplication
(bot/middlewares/dedupe.py) makes a redelivered, already committed update a no-op. Handlers still
run concurrently, one person's updates in order (events isolation).

While updates are in flight every getUpdates returns them again (they are not confirmed), so
the answer is read as plain dicts and only the fresh ones are turned into `Update` objects
(validating the whole Bot API model tree of each stale one again and again was most of the
CPU under load: bench/README.md); and after an answer with stale updates the next request
waits for a handler to finish (or a short pause), instead of spinning on the same batch."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any, ClassVar

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.methods import GetUpdates
from aiogram.types import TelegramObject, Update
from aiogram.utils.backoff import Backoff, BackoffConfig
from pydantic import ValidationError

logger = logging.getLogger("mentorbot.polling")

# When Telegram's answer held updates still being handled, wait for one to finish, at most this
# long, before asking again (unconfirmed updates come back at once, so asking again right away
# only fetches the same batch); new updates wait at most this long while others are handled.
IDLE_WAIT_SECONDS = 0.05
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


class GetRawUpdates(GetUpdates):
    """getUpdates whose answer stays plain dicts: most of them may be stale."""

    __returning__: ClassVar[Any] = list[dict[str, Any]]


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
            # Python 3.11's wait_for (and a library or two) can swallow a cancellation that
            # races a result; the task still counts it, and stop_polling/SIGTERM must end the
            # loop, not leave it polling forever.
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise asyncio.CancelledError
            # Confirm only what is finished: the oldest unfinished update is asked for again.
            offset = min(tracker.unfinished) if tracker.unfinished else next_offset
            method = GetRawUpdates(offset=offset, timeout=polling_timeout,
                                   allowed_updates=allowed_updates)
            tracker.finished.clear()  # a handler finishing from now on lets the offset move
            try:
                updates = await bot(method, request_timeout=request_timeout)
            except Exception as exc:
                logger.error("failed to fetch updates: %s", type(exc).__name__)
                await backoff.asleep()
                continue
            backoff.reset()
            fresh = [u for u in updates if u["update_id"] not in tracker.unfinished
                     and (next_offset is None or u["update_id"] >= next_offset)]
            for raw in fresh:
                update_id = raw["update_id"]
                next_offset = max(next_offset or 0, update_id + 1)
                try:
                    update = Update.model_validate(raw, context={"bot": bot})
                except ValidationError:  # nothing to handle; confirmed with the next request
                    logger.error("update %s could not be read; skipped", update_id)
                    continue
                tracker.fetched(update_id)
                yield update
            if len(fresh) < len(updates):
                # asyncio.timeout, not wait_for: a stop arriving as a handler finishes must
                # cancel this wait, not be lost in it.
                try:
                    async with asyncio.timeout(IDLE_WAIT_SECONDS):
                        await tracker.finished.wait()
                except TimeoutError:
                    pass
