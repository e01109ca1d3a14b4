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
