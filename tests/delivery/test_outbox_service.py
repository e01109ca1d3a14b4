from datetime import date, timedelta

import pytest
from sqlalchemy import update

from bot.services.notices import outbox
from models import OutboxMessage, OutboxState
from tests.delivery.conftest import T0, add_user, rows


async def test_dedupe_key_prevents_the_second_enqueue(db):
    user_id = await add_user(db, 7)
    async with db() as session, session.begin():
        first = await outbox.enqueue(
            session, about=outbox.NOBODY, chat_id=7, user_id=user_id, kind="reminder", text_key="reminder.meeting",
            params={"title": "Intro", "when": T0 + timedelta(days=1)},
            due_at=T0, dedupe_key="meeting:42:reminder:24h:user:7")
        second = await outbox.enqueue(
            session, about=outbox.NOBODY, chat_id=7, user_id=user_id, kind="reminder", text_key="reminder.meeting",
            params={"title": "Other"}, due_at=T0, dedupe_key="meeting:42:reminder:24h:user:7")
    assert (first, second) == (True, False)
    [row] = await rows(db)
    assert row.payload["params"] == {"title": "Intro",
                                     "when": {"$datetime": "2026-11-23T06:00:00+00:00"}}
    assert row.state == OutboxState.PENDING and row.next_attempt_at == T0


async def test_cancel_touches_only_matching_pending_rows(db):
    async with db() as session, session.begin():
        for key in ("meeting:42:r:24h:user:7", "meeting:42:r:1h:user:7", "meeting:420:r:1h:user:7",
                    "meeting:4_:x"):
            await outbox.enqueue(session, about=outbox.NOBODY, chat_id=7, kind="reminder", text="x", due_at=T0,
                                 dedupe_key=key)
        await outbox.enqueue(session, about=outbox.NOBODY, chat_id=8, kind="reminder", text="x", due_at=T0,
                             dedupe_key="meeting:42:r:24h:user:8")
    async with db() as session, session.begin():
        assert await outbox.cancel(session, dedupe_prefix="meeting:42:") == 3
        # "_" is not a wildcard
        assert await outbox.cancel(session, dedupe_prefix="meeting:4_") == 1
        assert await outbox.cancel(session, dedupe_prefix="meeting:42:") == 0
    states = {r.dedupe_key: r.state for r in await rows(db)}
    assert states["meeting:420:r:1h:user:7"] == OutboxState.PENDING
    assert states["meeting:42:r:24h:user:8"] == OutboxState.CANCELLED
    async with db() as session, session.begin():
        assert await outbox.cancel(session, chat_id=7) == 1
    with pytest.raises(ValueError):
        async with db() as session:
            await outbox.cancel(session)


async def test_cancel_by_user(db):
    alice = await add_user(db, 1)
    bob = await add_user(db, 2)
    async with db() as session, session.begin():
        for index, (uid, chat) in enumerate(((alice, 1), (alice, 1), (bob, 2))):
            await outbox.enqueue(session, about=outbox.NOBODY, chat_id=chat, user_id=uid, kind="survey_prompt",
                                 text="x", due_at=T0, dedupe_key=f"survey:{index}")
        assert await outbox.cancel(session, user_id=alice) == 2


async def test_enqueue_validates(db):
    async with db() as session:
        with pytest.raises(ValueError):
            await outbox.enqueue(session, about=outbox.NOBODY, chat_id=1, kind="x", due_at=T0, dedupe_key="k")
        with pytest.raises(ValueError):
            await outbox.enqueue(session, about=outbox.NOBODY, chat_id=1, kind="x", due_at=T0.replace(tzinfo=None),
                                 dedupe_key="k", text="t")
    assert outbox.typed_param(date(2026, 11, 22)) == {"$date": "2026-11-22"}
    with pytest.raises(ValueError):
        outbox.button(text="a")
    assert outbox.button(text_key="k", url="https://x") == {"text_key": "k", "url": "https://x"}


async def test_queries_for_the_curator_digest(db, clock):
    uid = await add_user(db, 5)
    async with db() as session, session.begin():
        for i in range(3):
            await outbox.enqueue(session, about=outbox.NOBODY, chat_id=5, user_id=uid, kind="reminder", text="x",
                                 due_at=T0, dedupe_key=f"k{i}")
    async with db() as session, session.begin():
        from sqlalchemy import update

        from models import OutboxMessage, User
        await session.execute(update(OutboxMessage).where(OutboxMessage.dedupe_key != "k2")
                              .values(state=OutboxState.FAILED, last_error="500"))
        await session.execute(update(User).values(unreachable=True, unreachable_since=T0))
    async with db() as session:
        failed = await outbox.failed_messages(session, user_id=uid)
        counts = await outbox.failed_counts(session)
        gone = await outbox.unreachable_users(session)
        assert await outbox.pending_count(session) == 1
    assert [f.dedupe_key for f in failed] == ["k0", "k1"]
    assert [(c.chat_id, c.user_id, c.count) for c in counts] == [(5, uid, 2)]
    assert [(u.telegram_id, u.since) for u in gone] == [(5, T0)]


def test_outbox_settings_from_the_environment(monkeypatch):
    from bot.config import SettingsError, load_settings

    monkeypatch.setenv("OUTBOX_GLOBAL_PER_SECOND", "50")
    monkeypatch.setenv("OUTBOX_MAX_ATTEMPTS", "3")
    settings = load_settings(_env_file=None)
    assert (settings.outbox_global_per_second, settings.outbox_max_attempts) == (50.0, 3)
    assert (settings.outbox_private_per_second, settings.outbox_group_per_minute) == (1.0, 20.0)
    monkeypatch.setenv("OUTBOX_GLOBAL_PER_SECOND", "0")
    with pytest.raises(SettingsError, match="OUTBOX_GLOBAL_PER_SECOND"):
        load_settings(_env_file=None)


async def test_every_message_says_whose_data_it_holds(db):
    """Issue 16: `about` is required, so no feature can queue a message /forget cannot find."""
    async with db() as session, session.begin():
        with pytest.raises(TypeError, match="about"):
            await outbox.enqueue(session, chat_id=1, kind="reminder", text="x", due_at=T0,
                                 dedupe_key="k")


async def test_erasing_a_person_empties_every_message_about_them_pending_or_sent(db):
    async with db() as session, session.begin():
        await outbox.enqueue(session, chat_id=5, kind="announcement", due_at=T0,
                             text_key="match.intro.mentor", params={"mentees": "Забывающая"},
                             dedupe_key="intro:sent", about=outbox.about([12, 13]))
        await outbox.enqueue(session, chat_id=5, kind="announcement", due_at=T0, text="Лиза",
                             dedupe_key="alert:pending", about=outbox.about(users=[40]))
        await outbox.enqueue(session, chat_id=5, kind="announcement", due_at=T0, text="other",
                             dedupe_key="other", about=outbox.about([14]))
    async with db() as session, session.begin():
        await session.execute(update(OutboxMessage).where(OutboxMessage.dedupe_key == "intro:sent")
                              .values(state=OutboxState.SENT))
    async with db() as session, session.begin():
        assert await outbox.erase_about(session, outbox.about([13], [40])) == 2
    by_key = {r.dedupe_key: r for r in await rows(db)}
    assert by_key["intro:sent"].payload == outbox.ERASED_PAYLOAD
    assert by_key["intro:sent"].state == OutboxState.SENT
    assert by_key["alert:pending"].payload == outbox.ERASED_PAYLOAD
    assert (by_key["alert:pending"].state, by_key["alert:pending"].last_error) == (
        OutboxState.CANCELLED, outbox.ERASED)  # never sent
    assert by_key["other"].payload == {"text": "other"}
    async with db() as session, session.begin():
        # The kept dedupe key stops the same message from being queued again.
        assert not await outbox.enqueue(session, chat_id=5, kind="announcement", due_at=T0,
                                        text="Лиза", dedupe_key="alert:pending",
                                        about=outbox.NOBODY)
        assert await outbox.erase_about(session, outbox.about([13], [40])) == 0
