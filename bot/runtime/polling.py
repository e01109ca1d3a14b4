"""Long polling that loses nothing a person sent, even to a crash in the middle of a handler.

aiogram's polling asks for the next batch (which confirms the previous one to Telegram) while the
handlers of that batch still run as tasks: a crash in that window loses the person's message.
Here each batch is written to the update journal (bot/runtime/update_journal.py) before the next
getUpdates confirms it, and an update's row goes once its handling finished (committed or
answered with an error). After a crash the rows left are handled first; update de-duplication
(bot/middlewares/dedupe.py) makes one whose changes were committed a no-op. Handlers still run
concurrently, one person's updates in order (events isolation).

Until 2026-11-22 the journal was Telegram itself: the offset stayed at the oldest unfinished
update, so under load every getUpdates returned every update still in flight again (one
benchmark run: 1,839 answers with 69,091 updates, 128 MB of JSON, for ~900 updates handled),
and reading them was a fifth of the bot's CPU."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any, ClassVar, cast

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.methods import GetUpdates
from aiogram.types import TelegramObject, Update
from aiogram.utils.backoff import Backoff, BackoffConfig
from pydantic import ValidationError

from bot.cancelling import raise_if_cancelling
from bot.runtime.update_journal import UpdateJournal
from bot.telegram.tuning import listen_loop_hook

logger = logging.getLogger("mentorbot.polling")

DEFAULT_BACKOFF = BackoffConfig(min_delay=1.0, max_delay=5.0, factor=1.3, jitter=0.1)
# Finished updates leave the journal in one statement at most this often: a crash in between
# hands a finished update out again (a write of it is skipped by de-duplication).
JOURNAL_CLEANUP_SECONDS = 0.2


class UpdateTracker(BaseMiddleware):
    """Knows which fetched updates are not finished yet; registered outside the session
    middleware, so "finished" means after the commit."""

    def __init__(self) -> None:
        self.unfinished: set[int] = set()
        self.done: set[int] = set()  # finished, still in the journal
        self.finished = asyncio.Event()

    def fetched(self, update_id: int) -> None:
        self.unfinished.add(update_id)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        # A polled update is in the update journal until it finished (bot/runtime/update_unit.py).
        data["journaled"] = event.update_id in self.unfinished  # type: ignore[attr-defined]  # Update
        try:
            return await handler(event, data)
        finally:
            self.unfinished.discard(event.update_id)  # type: ignore[attr-defined]  # an Update
            self.done.add(event.update_id)  # type: ignore[attr-defined]  # an Update
            self.finished.set()


class GetRawUpdates(GetUpdates):
    """getUpdates whose answer stays plain dicts: the journal keeps them as Telegram sent them."""

    __returning__: ClassVar[Any] = list[dict[str, Any]]


class SafePollingDispatcher(listen_loop_hook(Dispatcher)):  # type: ignore[misc]  # a base made at run time
    """The Dispatcher whose polling reads `listen_updates` below. `fsm_middleware` replaces
    aiogram's FSM middleware (registered where aiogram registers its own)."""

    def __init__(self, *args: Any, journal: UpdateJournal | None = None,
                 fsm_middleware: FSMContextMiddleware | None = None, **kwargs: Any) -> None:
        super().__init__(*args, disable_fsm=fsm_middleware is not None, **kwargs)
        if fsm_middleware is not None:
            self.fsm = fsm_middleware
            self.update.outer_middleware(fsm_middleware)
        self.journal = journal
        self._keeping: set[int] = set()  # fetched updates whose journal rows are being written
        self.update_tracker = UpdateTracker()
        self.update.outer_middleware(self.update_tracker)

    async def listen_updates(
        self,
        bot: Bot,
        polling_timeout: int = 30,
        backoff_config: BackoffConfig = DEFAULT_BACKOFF,
        allowed_updates: list[str] | None = None,
    ) -> AsyncGenerator[Update, None]:
        if self.journal is None:
            raise RuntimeError("safe polling needs an update journal")
        journal, tracker = self.journal, self.update_tracker
        backoff = Backoff(config=backoff_config)
        request_timeout = int((bot.session.timeout or 60) + polling_timeout)
        cleanup = asyncio.create_task(self._clean_journal(bot.id))
        try:
            # What a previous run fetched and did not finish comes first; those ids are not
            # asked for again (a redelivered one would be handled twice).
            left_over = await journal.left_over(bot.id)
            next_offset = left_over[-1]["update_id"] + 1 if left_over else None
            if left_over:
                logger.info("%d update(s) left unfinished by the last run", len(left_over))
            for raw in left_over:
                update = self._read(bot, raw)
                if update is not None:
                    yield update
            while True:
                # Python 3.11's wait_for (and a library or two) can swallow a cancellation
                # that races a result; the task still counts it, and stop_polling/SIGTERM must
                # end the loop, not leave it polling forever.
                raise_if_cancelling()
                method = GetRawUpdates(offset=next_offset, timeout=polling_timeout,
                                       allowed_updates=allowed_updates)
                try:
                    # Typed as getUpdates' list[Update]: GetRawUpdates answers the dicts.
                    updates = cast("list[dict[str, Any]]",
                                   await bot(method, request_timeout=request_timeout))
                except Exception as exc:
                    logger.error("failed to fetch updates: %s", type(exc).__name__)
                    await backoff.asleep()
                    continue
                backoff.reset()
                # An update still being handled may come back (a crash before its batch was
                # confirmed, or Telegram repeating itself): once is enough.
                fresh = [u for u in updates if u["update_id"] not in tracker.unfinished
                         and (next_offset is None or u["update_id"] >= next_offset)]
                # Handled at once, and kept in the journal meanwhile: the next getUpdates, which
                # confirms them, waits for that (until then Telegram has them; the others are
                # in the journal already).
                keeping = asyncio.create_task(self._keep(journal, bot.id, fresh, backoff))
                try:
                    for raw in fresh:
                        update = self._read(bot, raw)
                        if update is not None:
                            yield update
                    await keeping
                finally:
                    if not keeping.done():
                        keeping.cancel()
                if updates:
                    next_offset = max(next_offset or 0, updates[-1]["update_id"] + 1)
        finally:
            cleanup.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await cleanup
            # What finished by now need not be handed out again by the next run.
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    await journal.remove(bot.id, tracker.done - self._keeping)
                tracker.done.clear()

    async def _keep(self, journal: UpdateJournal, bot_id: int, updates: list[dict[str, Any]],
                    backoff: Backoff) -> None:
        ids = {update["update_id"] for update in updates}
        self._keeping |= ids  # not removed as finished before they are in (they would stay)
        try:
            while updates:
                try:
                    await journal.add(bot_id, updates)
                    return
                except Exception as exc:  # the database is away: Telegram keeps them meanwhile
                    raise_if_cancelling()
                    logger.error("failed to keep fetched updates: %s", type(exc).__name__)
                    await backoff.asleep()
        finally:
            self._keeping -= ids
            if ids & self.update_tracker.done:
                self.update_tracker.finished.set()  # finished already: remove them now

    def _read(self, bot: Bot, raw: dict[str, Any]) -> Update | None:
        update_id = raw["update_id"]
        try:
            update = Update.model_validate(raw, context={"bot": bot})
        except ValidationError:  # nothing to handle; leaves the journal as finished
            logger.error("update %s could not be read; skipped", update_id)
            self.update_tracker.done.add(update_id)
            self.update_tracker.finished.set()
            return None
        self.update_tracker.fetched(update_id)
        return update

    async def _clean_journal(self, bot_id: int) -> None:
        tracker, journal = self.update_tracker, self.journal
        assert journal is not None
        while True:
            await tracker.finished.wait()
            tracker.finished.clear()
            done = tracker.done - self._keeping
            try:
                await journal.remove(bot_id, done)
            except Exception as exc:  # tried again with the next finished update
                raise_if_cancelling()
                logger.error("failed to clear finished updates: %s", type(exc).__name__)
                tracker.finished.set()
            else:
                tracker.done -= done
            await asyncio.sleep(JOURNAL_CLEANUP_SECONDS)
