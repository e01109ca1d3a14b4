"""One budget for every message the bot sends (issue #19, item 6): an announcement to many
goes out while a person is talking to the bot. At the Bot API server no one-second window holds
more than SEND_PER_SECOND (25) messages, replies and outbox together, and the person's answers
are not queued behind the announcement's backlog."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.emulator.live import live_bot
from bot.services.notices import outbox
from bot.telegram.budget import SENDING_METHODS
from models.base import utcnow

pytestmark = pytest.mark.xdist_group("timing")

BUDGET = 25
RECIPIENTS = range(500_001, 500_301)  # 300 people: about 12 s of announcement at 25/s
TALKER = 500_000
QUESTIONS = 12
# From the person's message to the bot's answer, while the outbox has hundreds due: the handler's
# own time plus, at most, a slot or two of the budget (not the backlog's 32 requests in flight).
ANSWERED_WITHIN = 1.0
SENDING = {m.__api_method__.lower() for m in SENDING_METHODS}


def busiest_second(times: list[float]) -> int:
    times = sorted(times)
    return max((sum(1 for u in times[i:] if u < start + 1.0) for i, start in enumerate(times)),
               default=0)


async def test_replies_and_an_announcement_share_one_budget_and_replies_come_first(
        settings, emulator):
    # The outbox's own cap above the budget: the budget alone holds it, with a backlog of
    # requests waiting for slots (OUTBOX_CONCURRENCY of them) for the replies to overtake.
    settings = settings.model_copy(update={"send_per_second": BUDGET,
                                           "outbox_global_per_second": 4 * BUDGET,
                                           "outbox_tick_seconds": 0.2})
    for telegram_id in RECIPIENTS:
        emulator.user(telegram_id, first_name="Участник").chat.known = True  # talked before
    talker = emulator.user(TALKER, first_name="Куратор", language_code="ru")
    async with live_bot(settings, emulator) as live:
        now = utcnow()
        async with live.app.sessionmaker() as session, session.begin():
            for telegram_id in RECIPIENTS:
                await outbox.enqueue(session, chat_id=telegram_id, kind="announcement",
                                     due_at=now, dedupe_key=f"budget:{telegram_id}",
                                     text="Объявление: встреча наставников в пятницу",
                                     about=outbox.NOBODY)
        live.app.dispatcher["scheduler"].wake()

        def announced() -> int:
            return sum(1 for c in emulator.calls
                       if c.method.lower() == "sendmessage" and c.response_ok
                       and int(c.params["chat_id"]) in RECIPIENTS)

        deadline = time.monotonic() + 30
        while announced() < 50:  # the announcement is well under way
            assert time.monotonic() < deadline, f"the announcement did not start: {announced()}"
            await asyncio.sleep(0.02)
        waits = []
        for _ in range(QUESTIONS):
            started = time.monotonic()
            await talker.send("/help")
            await talker.wait_messages(1)
            waits.append(time.monotonic() - started)
        still_due = len(RECIPIENTS) - announced()
        await live.outbox_sent(limit=60)

    sends = [c.time for c in emulator.calls if c.method.lower() in SENDING]
    assert max(waits) < ANSWERED_WITHIN, [round(w, 3) for w in waits]
    assert busiest_second(sends) <= BUDGET
    assert announced() == len(RECIPIENTS)
    assert still_due > 0, "the announcement ended before the person stopped talking"
