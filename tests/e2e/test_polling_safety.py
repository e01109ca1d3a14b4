"""An update is confirmed to Telegram only after it was handled: a crash in the middle of a
handler gets the update delivered again, and a finished one is not done twice."""

from __future__ import annotations

import asyncio
import contextlib

from aiogram.filters import Command
from aiogram.types import Message

from bot.emulator.live import live_bot


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


async def test_unfinished_update_is_not_confirmed_and_comes_back_after_a_crash(settings, emulator):
    gate = asyncio.Event()  # never opened: the first process "crashes" inside the handler
    slow_user = emulator.user(4001, first_name="A", language_code="ru")
    other = emulator.user(4002, first_name="B", language_code="ru")
    async with live_bot(settings, emulator, prepare=slow_handler(gate)) as live:
        await other.send("/help")
        (help_reply,) = await other.wait_messages(1)
        assert "Что я умею" in help_reply.text
        await live.settle()
        calls_before = len(emulator.calls)
        sent = await slow_user.send("/slow")
        slow_id = emulator.state.queue.accepted_ids[-1]
        await asyncio.sleep(1.0)
        offsets = get_updates_offsets(emulator, calls_before)
        assert offsets and max(offsets) <= slow_id, offsets
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
        await live.settle()
    # The /help that was finished before the crash was not handled a second time.
    assert len([m for m in other.messages if "Что я умею" in m.text]) == 1


class _BusyBot:
    """getUpdates always returns update 1, which the test keeps "being handled"."""

    class session:  # what aiogram's Bot has: the request timeout
        timeout = 1

    def __init__(self) -> None:
        self.asked = asyncio.Event()

    async def __call__(self, method, request_timeout=None):
        self.asked.set()
        await asyncio.sleep(0)
        return [{"update_id": 1}]  # the raw answer: polling reads only fresh updates in full


async def test_stop_that_races_a_finishing_handler_still_ends_polling():
    # Polling waits for a handler to finish; the stop (a cancel) comes in the same loop turn as
    # the handler's end. The stop must win: a lost one left the bot polling forever (SIGTERM
    # and the tests' teardown hung).
    from bot.polling import SafePollingDispatcher

    dp = SafePollingDispatcher()
    bot = _BusyBot()
    dp.update_tracker.fetched(1)  # update 1 is in the handlers' hands

    async def poll() -> None:
        async for _update in dp._listen_updates(bot, polling_timeout=1):
            raise AssertionError("nothing fresh to hand out")

    for _ in range(20):  # the idle wait is entered at once; vary the moment a little
        task = asyncio.create_task(poll())
        await bot.asked.wait()
        await asyncio.sleep(0)
        dp.update_tracker.finished.set()
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=2)
        assert done, "polling went on after it was cancelled"
        assert task.cancelled()
        bot.asked.clear()


async def test_only_updates_that_wrote_are_recorded_and_a_recorded_one_is_skipped(settings, emulator):
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
        await live.settle()
        assert user.last_message.text == "Done: I will speak English now."
        wrote = emulator.state.queue.accepted_ids[-1]
        await live.settle()
        async with live.app.sessionmaker() as session:
            recorded = set(await session.scalars(select(ProcessedUpdate.update_id)))
        assert wrote in recorded
        assert read_only not in recorded
        calls = len(emulator.calls)
        raw = emulator.state.delivered_update(wrote)
        await live.app.dispatcher.feed_update(
            live.bot, Update.model_validate(raw, context={"bot": live.bot}))
        await live.settle()
        # The recorded update was not handled again: no edit, no answer to the press.
        assert [c.method for c in emulator.calls[calls:] if c.method != "getUpdates"] == []
