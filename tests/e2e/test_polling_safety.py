"""An update is confirmed to Telegram only once it is kept in the update journal, and leaves the
journal when its handling finished: a crash in the middle of a handler gets the update handled
after the restart, and a finished one is not done twice."""

from __future__ import annotations

import asyncio
import contextlib

from aiogram.filters import Command
from aiogram.types import Message

from bot.emulator.live import live_bot
from tests.e2e.helpers import until


def slow_handler(gate: asyncio.Event | None):
    def prepare(app) -> None:
        @app.dispatcher.message(Command("slow"))
        async def slow(message: Message) -> None:
            if gate is not None:
                await gate.wait()
            await message.answer("slow done")

    return prepare


def get_updates_offsets(emulator, since: int) -> list[int]:
    return [int(c.params.get("offset") or 0) for c in emulator.calls[since:]
            if c.method == "getUpdates"]


async def journal_ids(live) -> list[int]:
    from sqlalchemy import select

    from models import JournaledUpdate

    async with live.app.sessionmaker() as session:
        return list(await session.scalars(select(JournaledUpdate.update_id)))


async def test_unfinished_update_is_kept_and_handled_after_a_crash(settings, emulator):
    gate = asyncio.Event()  # never opened: the first process "crashes" inside the handler
    slow_user = emulator.user(4001, first_name="A", language_code="ru")
    other = emulator.user(4002, first_name="B", language_code="ru")
    async with live_bot(settings, emulator, prepare=slow_handler(gate)) as live:
        await other.send("/help")
        (help_reply,) = await other.wait_messages(1)
        assert "Что я умею" in help_reply.text
        await live.handled()
        help_id = emulator.state.queue.accepted_ids[-1]
        calls_before = len(emulator.calls)
        sent = await slow_user.send("/slow")
        slow_id = emulator.state.queue.accepted_ids[-1]
        # Telegram was told (it will not send the update again: only the journal has it)...
        await until(lambda: max(get_updates_offsets(emulator, calls_before), default=0)
                    > slow_id, "the next getUpdates confirms the update")
        # ...and the journal holds it, while the finished /help has left it.
        await until(lambda: journal_ids(live), "the journal holds only the unfinished update",
                    expect=[slow_id])
        assert help_id < slow_id
        # Crash: polling and the handler inside it stop dead; nothing was committed.
        handlers = [task for task in asyncio.all_tasks()
                    if "_process_update" in repr(task.get_coro())]
        pollers = [task for task in asyncio.all_tasks() if "_polling" in repr(task.get_coro())]
        assert handlers, "the slow handler should still be running"
        for task in [live.task, *pollers, *handlers]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    assert sent["text"] == "/slow"

    async with live_bot(settings, emulator, prepare=slow_handler(None)) as live:
        (reply,) = await slow_user.wait_messages(1, timeout=10)
        assert reply.text == "slow done"
        await live.journal_cleared()
        assert await journal_ids(live) == []
    # The /help that was finished before the crash was not handled a second time.
    assert len([m for m in other.messages if "Что я умею" in m.text]) == 1


class _MemoryJournal:
    async def left_over(self, bot_id):
        return []

    async def add(self, bot_id, updates):
        return None

    async def remove(self, bot_id, update_ids):
        return None


class _BusyBot:
    """getUpdates always returns update 1, which the test keeps "being handled"."""

    id = 1

    class session:  # what aiogram's Bot has: the request timeout
        timeout = 1

    def __init__(self) -> None:
        self.asked = asyncio.Event()

    async def __call__(self, method, request_timeout=None):
        self.asked.set()
        await asyncio.sleep(0)
        return [{"update_id": 1}]  # the raw answer: polling reads only fresh updates in full


async def test_stop_while_telegram_repeats_an_update_in_flight_still_ends_polling():
    # Telegram sends an update being handled again (nothing fresh); the stop (a cancel) comes
    # as its answer arrives. The stop must win: a lost one left the bot polling forever
    # (SIGTERM and the tests' teardown hung).
    from bot.runtime.polling import SafePollingDispatcher

    dp = SafePollingDispatcher(journal=_MemoryJournal())
    bot = _BusyBot()
    dp.update_tracker.fetched(1)  # update 1 is in the handlers' hands

    async def poll() -> None:
        async for _update in dp._listen_updates(bot, polling_timeout=1):
            raise AssertionError("nothing fresh to hand out")

    for _ in range(20):
        task = asyncio.create_task(poll())
        await bot.asked.wait()
        await asyncio.sleep(0)
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=2)
        assert done, "polling went on after it was cancelled"
        assert task.cancelled()
        bot.asked.clear()


class _JournalFailingOnCancel(_MemoryJournal):
    """Removing finished updates is cancelled in its middle and its clean-up fails with an
    error of its own (as SQLAlchemy's PendingRollbackError did in a WAL checkpoint at a
    test's teardown): that error replaces the CancelledError."""

    def __init__(self) -> None:
        self.removing = asyncio.Event()

    async def remove(self, bot_id, update_ids):
        if self.removing.is_set():  # once: a task that ignored the cancel can still be ended
            return
        self.removing.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            raise RuntimeError("clean-up failed on the way out") from None


async def test_stop_during_a_journal_clean_up_whose_own_clean_up_fails_still_ends_polling():
    # The journal's clean-up task once caught the replacing error as "try again later" and
    # went back to waiting: stop_polling waited for it forever (a teardown hung 300 s).
    from bot.runtime.polling import SafePollingDispatcher

    journal = _JournalFailingOnCancel()
    dp = SafePollingDispatcher(journal=journal)
    dp.update_tracker.done.add(1)
    dp.update_tracker.finished.set()
    task = asyncio.create_task(dp._clean_journal(bot_id=1))
    await asyncio.wait_for(journal.removing.wait(), 2)
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=2)
    assert done, "the journal's clean-up went on after it was cancelled"
    assert task.cancelled()


async def test_a_cancelled_shred_whose_clean_up_fails_ends_cancelled(monkeypatch):
    from bot.runtime import shred

    started = asyncio.Event()

    async def checkpoint_failing_on_cancel(engine):
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            raise RuntimeError("PendingRollbackError, say") from None

    monkeypatch.setattr(shred, "shred_wal", checkpoint_failing_on_cancel)
    task = asyncio.create_task(shred._shred_quietly(object()))  # type: ignore[arg-type]
    await asyncio.wait_for(started.wait(), 2)
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=2)
    assert done and task.cancelled()


async def test_recorded_updates_and_a_recorded_one_is_skipped(settings, emulator):
    """SQLite records an update only when it wrote (a record is a write, and SQLite has one
    writer); PostgreSQL records every update in its first statement (a round trip less for
    those that write). Either way a recorded update delivered again is not handled again."""
    from aiogram.types import Update
    from sqlalchemy import select

    from models.processed_update import ProcessedUpdate

    user = emulator.user(4003, first_name="C", language_code="ru")
    async with live_bot(settings, emulator) as live:
        await user.send("/help")  # first contact: the account is created
        await user.wait_messages(1)
        await user.send("/help")  # reads only
        await user.wait_messages(1)
        read_only = emulator.state.queue.accepted_ids[-1]
        await user.send("/language")
        await user.wait_messages(1)
        await user.press("English")  # writes the locale
        await live.handled()
        assert user.last_message.text == "Done: I will speak English now."
        wrote = emulator.state.queue.accepted_ids[-1]
        await live.handled()
        async with live.app.sessionmaker() as session:
            recorded = set(await session.scalars(select(ProcessedUpdate.update_id)))
        assert wrote in recorded
        postgres = settings.database_url.startswith("postgresql")
        assert (read_only in recorded) is postgres
        calls = len(emulator.calls)
        raw = emulator.state.delivered_update(wrote)
        await live.app.dispatcher.feed_update(
            live.bot, Update.model_validate(raw, context={"bot": live.bot}))
        await live.handled()
        # The recorded update was not handled again: no edit, no answer to the press.
        assert [c.method for c in emulator.calls[calls:] if c.method != "getUpdates"] == []


class _OneUpdateBot(_BusyBot):
    """Hands out update 7 once, then waits like an idle long poll."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    async def __call__(self, method, request_timeout=None):
        self.calls += 1
        if self.calls == 1:
            return [{"update_id": 7, "message": {
                "message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
                "from": {"id": 5, "is_bot": False, "first_name": "Ю"}, "text": "/help"}}]
        self.asked.set()
        await asyncio.sleep(3600)


async def test_an_update_finished_before_its_journal_row_was_written_leaves_no_row(app):
    # The handler may finish while the batch is still being written to the journal; the row
    # written after that must still be removed, or the next start would hand the update out
    # again.
    from bot.runtime.polling import SafePollingDispatcher
    from bot.runtime.update_journal import UpdateJournal

    class SlowJournal(UpdateJournal):
        async def add(self, bot_id, updates):
            await asyncio.sleep(0.3)  # the handler finishes meanwhile
            await super().add(bot_id, updates)

    journal = SlowJournal(app.sessionmaker)
    dp = SafePollingDispatcher(journal=journal)
    bot = _OneUpdateBot()

    async def handle_at_once() -> None:
        async for update in dp._listen_updates(bot, polling_timeout=1):
            await dp.update_tracker(lambda event, data: asyncio.sleep(0), update, {})

    task = asyncio.create_task(handle_at_once())
    await asyncio.wait_for(bot.asked.wait(), 5)  # the batch is kept: the next poll was sent
    async with asyncio.timeout(5):
        while await journal.left_over(bot.id):  # noqa: ASYNC110 (polls the database)
            await asyncio.sleep(0.05)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert await journal.left_over(bot.id) == []
