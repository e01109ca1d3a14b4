"""The curator's views read as much for a programme of 200 pairs as for one of 10 (issue #21):
/status, /report and the weekly digest send the same statements, and /pairs reads one page
(the counts and the page's rows), not every pair, with the same page buttons as before."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from bot.clock import ManualClock
from bot.services.meetings import cadence
from bot.services.notices import digest
from bot.services.people import users
from models import Meeting, MeetingPair, Pair, Participation
from tests.digest.seed import CREATED, feedback, seed, seed_meetings
from tests.e2e.helpers import press
from tests.texts import t

NOW = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)  # the digest moment of tests/digest/seed.py
_current: contextvars.ContextVar[dict | None] = contextvars.ContextVar("watched", default=None)


async def _programme(live, curator: int, base: int, pairs: int) -> int:
    """tests/digest/seed.py's programme (2 pairs, meetings, feedback, roadmap) plus `pairs`
    pairs, most of which met once; every third meeting has the mentor's feedback."""
    async with live.app.sessionmaker() as session, session.begin():
        seeded = await seed(session, live.app.translator, curator_telegram_id=curator,
                            people_base=base)
        await seed_meetings(session, seeded)
        for i in range(pairs):
            user = await users.get_or_create(session, base + 100 + i)
            mentor = Participation(programme_id=seeded.programme_id, role="mentor",
                                   state="paired", age_group="18_plus", form="teacher_teacher",
                                   full_name=f"Наставник {i:03d}", created_at=CREATED)
            mentee = Participation(programme_id=seeded.programme_id, user_id=user.id,
                                   role="mentee", state="paired", age_group="18_plus",
                                   form="teacher_teacher", full_name=f"Ученик {i:03d}",
                                   created_at=CREATED)
            session.add_all([mentor, mentee])
            await session.flush()
            pair = Pair(programme_id=seeded.programme_id, mentor_id=mentor.id,
                        mentee_id=mentee.id, form="teacher_teacher",
                        stage=("intro", "trial", "regular")[i % 3], created_at=CREATED)
            session.add(pair)
            await session.flush()
            if i % 4:  # every fourth pair never met: at risk
                meeting = Meeting(programme_id=seeded.programme_id, mentor_id=mentor.id,
                                  kind="regular", state="done",
                                  starts_at=NOW - timedelta(days=i % 10, hours=1))
                session.add(meeting)
                await session.flush()
                session.add(MeetingPair(meeting_id=meeting.id, pair_id=pair.id))
                if i % 3 == 0:
                    await feedback(session, meeting.id, mentor.id, 1 + i % 10)
        return seeded.programme_id


@contextlib.contextmanager
def watching(live) -> Iterator[dict]:
    """The statements the updates handled inside send, and the rows they read."""
    record: dict = {"statements": 0, "rows": 0}

    async def watch(handler, event_, data):  # outermost: sees the whole update
        token = _current.set(record)
        try:
            return await handler(event_, data)
        finally:
            _current.reset(token)

    def statement(conn, cursor, sql, parameters, context, executemany):
        watched = _current.get()
        if watched is not None:
            watched["statements"] += 1
            watched["rows"] += len(getattr(cursor, "_rows", None) or ())

    engine = live.app.engine.sync_engine
    event.listen(engine, "after_cursor_execute", statement)
    middlewares = live.app.dispatcher.update.outer_middleware._middlewares
    middlewares.insert(0, watch)
    try:
        yield record
    finally:
        middlewares.remove(watch)
        event.remove(engine, "after_cursor_execute", statement)


async def _digest_statements(live, programme_id: int) -> int:
    """The statements queue_digest sends from this task only: the sender and the scheduler
    work on the same engine meanwhile and must not be counted."""
    record = {"statements": 0, "rows": 0}

    def statement(conn, cursor, sql, parameters, context, executemany):
        if _current.get() is record:
            record["statements"] += 1

    engine = live.app.engine.sync_engine
    token = _current.set(record)
    event.listen(engine, "after_cursor_execute", statement)
    try:
        async with live.app.sessionmaker() as session, session.begin():
            assert await digest.queue_digest(session, programme_id, NOW, "ru") >= 1
    finally:
        event.remove(engine, "after_cursor_execute", statement)
        _current.reset(token)
    return record["statements"]


async def test_curator_views_read_as_much_for_200_pairs_as_for_10(live, emulator):
    scheduler = live.app.dispatcher["scheduler"]
    scheduler.clock = ManualClock(NOW)
    # NOW is the digest moment: the periodic digest job (each minute, on the wall clock) would
    # send the digest into this chat between a press and the look at the listing it changed.
    # The digest is queued below by the test itself.
    scheduler.scheduler.pause()
    seen: dict[int, dict[str, tuple[int, int]]] = {}
    for pairs, curator_id, base in ((10, 801, 20_000), (200, 802, 40_000)):
        programme_id = await _programme(live, curator_id, base, pairs)
        curator = emulator.user(curator_id, first_name="Куратор", language_code="ru")
        seen[pairs] = {}
        for command in ("/status", "/report", "/pairs"):
            with watching(live) as record:
                await curator.send(command)
                await live.handled()
            seen[pairs][command] = (record["statements"], record["rows"])
        listing = curator.last_message
        assert "1. Иванова Анна ↔ Орлов Глеб" in listing.text
        assert t("pair.list_title", title="Наставничество 2026", n=pairs + 2) in listing.text
        with watching(live) as record:  # the next page: numbered on from the first
            await press(live, curator, "▶")
        seen[pairs]["▶"] = (record["statements"], record["rows"])
        text = curator.last_message.text
        assert "11. Наставник 008 ↔ Ученик 008" in text and "1. Иванова Анна" not in text
        pages = -(-(pairs + 2) // 10)
        assert f"стр. 2 из {pages}" in text
        with watching(live) as record:  # at risk: Иванова — Орлов and every fourth added
            await press(live, curator, t("pairs.filter.risk"))
        seen[pairs]["risk"] = (record["statements"], record["rows"])
        risky = 1 + len(range(0, pairs, 4))
        async with live.app.sessionmaker() as session:  # the digest's rule, the same pairs
            assert len(await cadence.pairs_at_risk(session, programme_id, NOW.date())) == risky
        assert f"Показаны: ⚠️ Без встреч — {risky}" in curator.last_message.text
        assert "Наставник 004 ↔ Ученик 004" in curator.last_message.text
        seen[pairs]["digest"] = (await _digest_statements(live, programme_id), 0)
    few, many = seen[10], seen[200]
    for view in ("/status", "/report", "digest"):
        assert many[view][0] == few[view][0], (view, few, many)
    for view in ("/pairs", "▶", "risk"):  # one page read, whatever the number of pairs
        assert many[view][0] == few[view][0], (view, few, many)
        assert many[view][1] <= few["/pairs"][1], (view, few, many)
