"""The sender against the Bot API emulator over real HTTP, with Telegram's limits enforced."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.emulator import Fault
from bot.services.notices import outbox
from models import OutboxState, User
from tests.delivery.conftest import (
    T0,
    add_user,
    drain,
    enqueue_texts,
    rows,
    sent_texts,
    start_emulator,
)

# The tests that measure time under load (latency, a reader's time limit, Telegram's rate limits
# as the emulator counts them) are in xdist group "timing": scripts/test runs them alone after
# the rest, one after another. The others here run in the parallel phase.
timing = pytest.mark.xdist_group("timing")


async def known_users(emu, ids, language_code="ru"):
    for user_id in ids:
        await emu.user(user_id, language_code=language_code).send("/start")


def send_calls(emu, chat_id=None):
    return [c for c in emu.calls if c.method.lower() == "sendmessage"
            and (chat_id is None or int(c.params["chat_id"]) == chat_id)]


@timing
async def test_2000_users_at_200_per_second_without_a_429(make_sender, db, clock):
    emu = await start_emulator(global_per_second=200)
    try:
        ids = list(range(10_001, 12_001))
        await known_users(emu, ids)
        await enqueue_texts(db, ids)
        sender = make_sender(emu, global_per_second=200, concurrency=64)
        stats = await sender.run_until_idle()
        assert stats.sent == 2000 and emu.count_429 == 0
        sent = send_calls(emu)
        assert sorted(int(c.params["chat_id"]) for c in sent) == ids
        # Never faster than configured, whatever the machine; how close it gets to the rate is
        # the benchmark's job (bench/delivery.py), not a timed unit test's.
        assert sent[-1].time - sent[0].time >= 1999 / 200, "sent faster than 200/s"
        assert {r.state for r in await rows(db)} == {OutboxState.SENT}
        assert all(r.telegram_message_id for r in await rows(db))
    finally:
        await emu.stop()


@timing
async def test_default_limits_few_hundred_users(make_sender, db, emu):
    ids = list(range(20_001, 20_201))  # 200 at 25/s: about eight seconds
    await known_users(emu, ids)
    await enqueue_texts(db, ids)
    sender = make_sender(emu)  # 25/s, the default, against Telegram-like 30/s
    stats = await sender.run_until_idle()
    assert stats.sent == 200 and emu.count_429 == 0
    sent = send_calls(emu)
    assert sent[-1].time - sent[0].time >= 199 / 25, "sent faster than the default 25/s"


@timing
async def test_a_burst_to_one_chat_keeps_to_one_per_second(make_sender, db, emu):
    await known_users(emu, [31])
    await enqueue_texts(db, [31] * 5)
    await make_sender(emu).run_until_idle()
    calls = send_calls(emu, 31)
    assert [c.params["text"] for c in calls] == [f"m #{i} to 31" for i in range(5)]
    gaps = [b.time - a.time for a, b in zip(calls, calls[1:], strict=False)]
    assert min(gaps) >= 1.0 and emu.count_429 == 0


@timing
async def test_group_chat_paced_at_20_per_minute(make_sender, db, emu):
    group = emu.group(-1001, "Mentors")
    group.chat.known = True
    await enqueue_texts(db, [-1001] * 3)
    await make_sender(emu).run_until_idle()
    calls = send_calls(emu, -1001)
    assert len(calls) == 3 and emu.count_429 == 0
    assert min(b.time - a.time for a, b in zip(calls, calls[1:], strict=False)) >= 3.0


@timing
async def test_an_injected_429_is_waited_out_and_sent_once(make_sender, db, emu):
    await known_users(emu, [41, 42, 43])
    emu.inject(Fault("429", method="sendMessage", chat_id=42, retry_after=1))
    await enqueue_texts(db, [41, 42, 43])
    started = time.monotonic()
    stats = await make_sender(emu).run_until_idle()
    assert stats.sent == 3 and stats.rate_limited == 1 and emu.count_429 == 1
    assert sent_texts(emu, 42) == ["m #1 to 42"]
    assert time.monotonic() - started >= 1.0
    row = [r for r in await rows(db) if r.chat_id == 42][0]
    assert row.attempts == 1 and row.state == OutboxState.SENT  # the 429 used no attempt


async def test_403_marks_unreachable_and_later_messages_are_not_attempted(
        make_sender, db, emu, clock):
    uid = await add_user(db, 51)
    await known_users(emu, [51, 52])
    emu.block(emu.user(51))
    await enqueue_texts(db, [51, 51, 52], user_id=None)
    sender = make_sender(emu)
    stats = await sender.run_until_idle()
    assert stats.sent == 1 and stats.unreachable == 2
    assert len(send_calls(emu, 51)) == 1  # the second one was never tried
    async with db() as session:
        user = await session.get(User, uid)
        assert user.unreachable and user.unreachable_since == clock.now()
    # scheduled later: still not attempted while the person stays unreachable
    async with db() as session, session.begin():
        await outbox.enqueue(session, about=outbox.NOBODY, chat_id=51, user_id=uid, kind="reminder", text="later",
                             due_at=T0, dedupe_key="later:51")
    await sender.run_until_idle()
    assert len(send_calls(emu, 51)) == 1
    by_key = {r.dedupe_key: r for r in await rows(db)}
    assert by_key["later:51"].state == OutboxState.CANCELLED
    assert by_key["later:51"].last_error == "unreachable"
    async with db() as session:
        failed = await outbox.failed_messages(session, chat_id=51)
    assert len(failed) == 3


async def test_chat_not_found_is_unreachable_too(make_sender, db, emu):
    await enqueue_texts(db, [61])  # nobody 61 ever wrote to the bot
    stats = await make_sender(emu).run_until_idle()
    assert stats.unreachable == 1
    [row] = await rows(db)
    assert row.state == OutboxState.FAILED and "chat not found" in row.last_error


async def test_other_400_fails_the_row(make_sender, db, emu):
    await known_users(emu, [62])
    async with db() as session, session.begin():
        await outbox.enqueue(session, about=outbox.NOBODY, chat_id=62, kind="announcement", text="<b>broken",
                             due_at=T0, dedupe_key="bad-html")
    stats = await make_sender(emu).run_until_idle()
    [row] = await rows(db)
    assert stats.failed == 1 and row.state == OutboxState.FAILED and row.last_error.startswith("400")


async def test_5xx_retried_then_delivered(make_sender, db, emu, clock):
    await known_users(emu, [71, 72])
    emu.inject(Fault("500", method="sendMessage", chat_id=71, times=2))
    emu.inject(Fault("502", method="sendMessage", chat_id=72, times=1))
    await enqueue_texts(db, [71, 71, 72])
    sender = make_sender(emu)
    await drain(sender, clock)
    assert sent_texts(emu, 71) == ["m #0 to 71", "m #1 to 71"]  # order kept behind the retry
    assert sent_texts(emu, 72) == ["m #2 to 72"]
    by_chat = {r.dedupe_key: r for r in await rows(db)}
    assert by_chat["m:0:71"].attempts == 3 and by_chat["m:0:71"].state == OutboxState.SENT


async def test_network_drop_retried_and_gives_up_after_max_attempts(make_sender, db, emu, clock):
    await known_users(emu, [81, 82])
    emu.inject(Fault("drop", method="sendMessage", chat_id=81, times=1))
    emu.inject(Fault("500", method="sendMessage", chat_id=82, times=100))
    await enqueue_texts(db, [81, 82])
    sender = make_sender(emu, max_attempts=3)
    await drain(sender, clock)
    assert sent_texts(emu, 81) == ["m #0 to 81"]
    row = {r.chat_id: r for r in await rows(db)}[82]
    assert row.state == OutboxState.FAILED and row.attempts == 3
    async with db() as session:
        counts = await outbox.failed_counts(session)
    assert [(c.chat_id, c.count) for c in counts] == [(82, 1)]


async def test_expired_reminders_are_dropped_and_counted(make_sender, db, emu, clock):
    await known_users(emu, [91])
    await enqueue_texts(db, [91], prefix="old", due_at=T0 - timedelta(hours=3),
                        expires_at=T0 - timedelta(hours=1))
    await enqueue_texts(db, [91], prefix="fresh", due_at=T0 - timedelta(hours=3),
                        expires_at=T0 + timedelta(hours=1))
    stats = await make_sender(emu).run_until_idle()
    assert stats.expired == 1 and stats.sent == 1
    assert sent_texts(emu, 91) == ["fresh #0 to 91"]
    by_key = {r.dedupe_key: r for r in await rows(db)}
    assert by_key["old:0:91"].state == OutboxState.CANCELLED
    assert by_key["old:0:91"].last_error == "expired"


async def test_cancelled_and_future_rows_are_not_sent(make_sender, db, emu, clock):
    await known_users(emu, [95])
    await enqueue_texts(db, [95], prefix="meeting:1")
    await enqueue_texts(db, [95], prefix="later", due_at=T0 + timedelta(hours=1))
    async with db() as session, session.begin():
        assert await outbox.cancel(session, dedupe_prefix="meeting:1:") == 1
    sender = make_sender(emu)
    await sender.run_until_idle()
    assert sent_texts(emu, 95) == []
    clock.advance(hours=1)
    await sender.run_until_idle()
    assert sent_texts(emu, 95) == ["later #0 to 95"]


async def test_texts_rendered_in_the_current_language_and_timezone(make_sender, db, emu):
    ru_id = await add_user(db, 101)
    en_id = await add_user(db, 102, locale="ru", timezone="Asia/Yekaterinburg")
    await known_users(emu, [101, 102])
    async with db() as session, session.begin():
        for uid, chat in ((ru_id, 101), (en_id, 102)):
            await outbox.enqueue(
                session, about=outbox.NOBODY, chat_id=chat, user_id=uid, kind="reminder",
                text_key="reminder.meeting", due_at=T0, dedupe_key=f"meeting:1:user:{uid}",
                params={"title": "Intro", "when": T0.replace(hour=9)},
                buttons=[[outbox.button(text_key="reminder.details_button",
                                        callback_data="meeting:1")]])
        # the person switched to English after the reminder was scheduled
        await session.execute(update(User).where(User.id == en_id).values(locale="en"))
    await make_sender(emu).run_until_idle()
    assert sent_texts(emu, 101) == ["Напоминание: встреча «Intro» — 22 ноября, 12:00."]
    assert sent_texts(emu, 102) == ["Reminder: meeting “Intro” — 22 November, 14:00."]
    message = emu.user(102).messages[-1]
    assert message.inline_buttons()[0]["text"] == "Details"


async def test_document_attachment_from_a_generator(make_sender, db, emu, tmp_path):
    await known_users(emu, [111])

    async def report(args, locale):
        return f"report-{locale}.txt", f"pair {args['pair']}".encode()

    async with db() as session, session.begin():
        await outbox.enqueue(session, about=outbox.NOBODY, chat_id=111, kind="digest", text="Отчёт", due_at=T0,
                             dedupe_key="digest:1",
                             attachment={"type": "document", "generator": "report",
                                         "args": {"pair": 3}})
        await outbox.enqueue(session, about=outbox.NOBODY, chat_id=111, kind="digest", text="missing", due_at=T0,
                             dedupe_key="digest:2",
                             attachment={"type": "document", "path": str(tmp_path / "nope")})
    sender = make_sender(emu)
    sender.renderer.generators["report"] = report
    await sender.run_until_idle()
    docs = [c for c in emu.calls if c.method.lower() == "senddocument" and c.response_ok]
    assert len(docs) == 1 and docs[0].params["caption"] == "Отчёт"
    assert {r.dedupe_key: r.state for r in await rows(db)} == {
        "digest:1": OutboxState.SENT, "digest:2": OutboxState.FAILED}
