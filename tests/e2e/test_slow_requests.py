"""A slow Telegram request of one person's update holds no database write (issue #16, item 8):
while a curator's new link card or its QR picture hangs, other people who write (joining by a
link) are answered at once. On SQLite a write transaction held across the request made every
other writer wait for it. And the order that makes this so (commit, then the requests) loses
nothing to a crash between the two: the update delivered again sends what it owed, once, and
is not handled twice."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest
from sqlalchemy import func, select

from bot.callbacks.curator import LinkCallback
from bot.emulator import Fault
from bot.emulator.live import live_bot
from bot.emulator.seed import seed_programme
from bot.runtime.update_unit import UpdateUnit
from bot.services.people import users
from bot.services.programmes import programmes
from models import Invitation, JournaledUpdate, ProcessedUpdate, User

CURATOR = 880
SLOW = 3.0  # seconds the request hangs
PEOPLE = range(8801, 8806)
SERVED_WITHIN = 0.2
# The tests that measure time under load (latency, a reader's time limit, Telegram's rate limits
# as the emulator counts them) are in xdist group "timing": scripts/test runs them alone after
# the rest, one after another. The others here run in the parallel phase.
timing = pytest.mark.xdist_group("timing")


def pending(emulator, method: str) -> bool:
    return any(c.method.lower() == method.lower() and not c.response_ok
               and c.error_code is None for c in emulator.calls)


@timing
@pytest.mark.parametrize("slow_method", ["sendPhoto", "sendMessage"])
async def test_others_are_served_while_a_curators_request_hangs(live, emulator, slow_method):
    """sendPhoto: an upload goes out after the link's commit; sendMessage: the link's card is
    kept until the commit and sent after it."""
    seeded = await seed_programme(live.app)
    async with live.app.sessionmaker() as session, session.begin():
        user = await users.get_or_create(session, CURATOR)
        await programmes.add_curator(session, seeded.organisation_id, user.id, "Куратор")
        links_before = await session.scalar(select(func.count()).select_from(Invitation))
    curator = emulator.user(CURATOR, first_name="Куратор", language_code="ru")
    await curator.send("/programmes")
    await curator.wait_messages(1)
    emulator.inject(Fault("slow", method=slow_method, chat_id=CURATOR, delay=SLOW, times=1))

    # A new link (a write), then its card and its QR picture: one of them hangs.
    await curator.press_data(LinkCallback(action="new", programme_id=seeded.programme_id,
                                          role="mentee", days=7, uses=0).pack())
    deadline = time.monotonic() + 5
    while not pending(emulator, slow_method):
        assert time.monotonic() < deadline, f"{slow_method} was never sent"
        await asyncio.sleep(0.01)

    # Meanwhile new people open the invitation link: each is a new account (a write).
    waits = []
    for telegram_id in PEOPLE:
        person = emulator.user(telegram_id, first_name="Гость", language_code="ru")
        started = time.monotonic()
        await person.send(f"/start {seeded.mentee_token}")
        await person.wait_messages(1, timeout=SLOW + 5)
        waits.append(time.monotonic() - started)
    assert max(waits) < SERVED_WITHIN, [round(w, 3) for w in waits]
    assert pending(emulator, slow_method), "the request ended before the others were served"

    # The curator's update is whole: the card and the picture arrive, the link is there once.
    card, picture = await curator.wait_messages(2, timeout=SLOW + 5)
    assert "t.me/" in card.text and picture.photo is not None
    await live.journal_cleared()  # finished for good: its sent replies no longer owed
    async with live.app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Invitation)) == (
            links_before + 1)
        assert await session.scalar(select(func.count()).select_from(User).where(
            User.telegram_id.in_(list(PEOPLE)))) == len(PEOPLE)
        assert await session.scalar(select(func.count()).select_from(ProcessedUpdate).where(
            ProcessedUpdate.replies.is_not(None))) == 0


async def test_a_crash_between_the_commit_and_the_replies_loses_and_doubles_nothing(
        settings, emulator, monkeypatch):
    person = emulator.user(8890, first_name="Оля", language_code="ru")
    committed = asyncio.Event()
    real_send = UpdateUnit.send_kept

    async def die_after_commit(self):  # the process dies right after the commit
        if self.kept:
            committed.set()
            await asyncio.Event().wait()
        await real_send(self)

    monkeypatch.setattr(UpdateUnit, "send_kept", die_after_commit)
    async with live_bot(settings, emulator) as live:
        await person.send("/start")  # a new account (a write), then the greeting
        await asyncio.wait_for(committed.wait(), 10)
        update_id = emulator.state.queue.accepted_ids[-1]
        async with live.app.sessionmaker() as session:
            record = await session.get(ProcessedUpdate, (live.bot.id, update_id))
            assert record is not None and "sendMessage" in (record.replies or "")
        assert person.messages == []
        # Crash: polling and the handler inside it stop dead.
        handlers = [task for task in asyncio.all_tasks()
                    if "_process_update" in repr(task.get_coro())]
        pollers = [task for task in asyncio.all_tasks() if "_polling" in repr(task.get_coro())]
        for task in [live.task, *pollers, *handlers]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    monkeypatch.setattr(UpdateUnit, "send_kept", real_send)

    async with live_bot(settings, emulator) as live:
        (greeting,) = await person.wait_messages(1, timeout=10)
        assert "Здравствуйте" in greeting.text
        await live.journal_cleared()
        async with live.app.sessionmaker() as session:
            assert await session.scalar(select(func.count()).select_from(User).where(
                User.telegram_id == person.id)) == 1
            record = await session.get(ProcessedUpdate, (live.bot.id, update_id))
            assert record is not None and record.replies is None
            assert await session.scalar(select(func.count()).select_from(JournaledUpdate)) == 0
    assert len(person.messages) == 1
