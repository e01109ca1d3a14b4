"""The bot's one budget of sends (bot/telegram/budget.py), on a fake clock: evenly spaced slots
with a margin, replies served before the outbox however long its backlog, a 429 pausing all,
and the outbox's per-chat pace counting the replies to that chat."""

from __future__ import annotations

import asyncio

from bot.delivery.rate_limit import RateLimiter
from bot.telegram.budget import Priority, SendBudget, bulk_sending
from tests.delivery.fake_time import FakeTime


def budget(t: FakeTime, per_second: float = 25) -> SendBudget:
    return SendBudget(per_second, monotonic=t.monotonic, sleep=t.sleep)


async def test_slots_are_even_with_a_margin_and_no_window_holds_more_than_the_budget():
    t = FakeTime()
    b = budget(t)
    grants: list[float] = []

    async def one(priority: Priority) -> None:
        await b.acquire(priority)
        grants.append(t.now)
        b.release()

    await asyncio.gather(*(one(Priority.BULK if i % 3 else Priority.INTERACTIVE)
                           for i in range(120)))
    grants.sort()
    for i, start in enumerate(grants):
        assert sum(1 for g in grants[i:] if g < start + 1.0) <= 25
    rate = (len(grants) - 1) / (grants[-1] - grants[0])
    assert 24.0 < rate <= 25.0


async def test_a_reply_waits_one_slot_behind_a_long_outbox_backlog():
    t = FakeTime()
    b = budget(t)
    order: list[str] = []

    async def outbox(i: int) -> None:
        with bulk_sending():
            await b.acquire()
        order.append(f"outbox {i}")
        b.release()

    async def reply() -> float:
        start = t.now
        await b.acquire()  # a handler's request: interactive by default
        order.append("reply")
        b.release()
        return t.now - start

    backlog = [asyncio.create_task(outbox(i)) for i in range(100)]
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    waited = await reply()
    await asyncio.gather(*backlog)
    assert order.index("reply") <= 2  # not behind the 100 queued outbox messages
    assert waited <= 2 * b.interval + 1e-9
    assert b.granted == {Priority.INTERACTIVE: 1, Priority.BULK: 100}


async def test_a_429_pauses_replies_and_outbox_alike():
    t = FakeTime()
    b = budget(t)
    await b.acquire()
    b.release()
    b.pause(3)
    start = t.now
    await b.acquire()
    assert t.now - start >= 3


async def test_the_outbox_keeps_a_chats_pace_counting_the_replies_to_it():
    t = FakeTime()
    b = budget(t)
    limiter = RateLimiter(global_per_second=1000, monotonic=t.monotonic, sleep=t.sleep,
                          shared_chat_wait=b.chat_wait)
    b.sent(7)  # a handler just answered chat 7
    start = t.now
    await limiter.acquire(7)
    assert t.now - start >= 1.0  # private: one a second
    b.sent(-100)
    assert limiter.chat_wait(-100) >= 3.0  # groups: 20 a minute
    assert limiter.chat_wait(8) == 0  # other chats are not held


async def test_a_cancelled_waiter_gives_its_slot_to_the_next():
    t = FakeTime()
    b = budget(t)
    await b.acquire()
    b.release()
    with bulk_sending():
        await b.acquire()  # the outbox's next slot is now an interval away
    b.release()
    first = asyncio.create_task(b.acquire(Priority.BULK))
    second = asyncio.create_task(b.acquire(Priority.BULK))
    await asyncio.sleep(0)
    first.cancel()
    await second
    assert b.granted == {Priority.INTERACTIVE: 1, Priority.BULK: 2}


async def test_a_replys_few_messages_go_at_once_the_outbox_stays_spaced():
    """A person who acted gets the reply's messages without 40 ms between each; the one-second
    window still holds the budget for everything."""
    t = FakeTime()
    b = budget(t)
    start = t.now
    for _ in range(3):
        await b.acquire(Priority.INTERACTIVE)
        b.release()
    assert t.now == start
    with bulk_sending():
        await b.acquire()
        b.release()
        await b.acquire()
        b.release()
    assert t.now - start >= b.interval


async def test_no_slot_while_the_budget_is_in_flight_or_answered_within_the_second():
    """A request reaches the server between its slot and its answer: slow answers hold slots
    back, so no one-second window at the server can hold more than the budget."""
    t = FakeTime()
    b = budget(t, per_second=5)
    for _ in range(5):
        await b.acquire()  # five requests hang
    sixth = asyncio.create_task(b.acquire())
    for _ in range(20):
        await asyncio.sleep(0)
    assert not sixth.done()
    t.now += 2.0
    b.release()  # one answered now: it may have arrived just now
    await sixth
    assert t.now >= 102.0 + 1.0  # so the sixth waits a second from that answer


async def test_a_flood_of_replies_leaves_the_outbox_a_fifth_not_nothing():
    t = FakeTime()
    b = budget(t)
    order: list[Priority] = []

    async def one(priority: Priority) -> None:
        await b.acquire(priority)
        order.append(priority)
        b.release()

    await b.acquire(Priority.INTERACTIVE)  # the budget is busy: everyone below queues
    b.release()
    tasks = [asyncio.create_task(one(Priority.BULK)) for _ in range(10)]
    tasks += [asyncio.create_task(one(Priority.INTERACTIVE)) for _ in range(40)]
    await asyncio.gather(*tasks)
    assert order[:25].count(Priority.BULK) == 5  # one in five while both wait
    assert order[:5].count(Priority.INTERACTIVE) == 4  # replies first
