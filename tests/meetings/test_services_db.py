"""Meeting services on SQLite and on PostgreSQL for real: outbox rows of planning, moving and
cancelling; stages; the one-query cadence, nudges, at-risk pairs and counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.services.meetings import cadence as meetings_status
from bot.services.meetings import meetings
from models import OutboxMessage, Pair, Participation, Programme, User

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
TZ = "Europe/Moscow"


async def world(sessionmaker) -> dict[str, int]:
    from models import Organisation

    async with sessionmaker() as session, session.begin():
        org = Organisation(name="Школа", kind="school", timezone="Asia/Yekaterinburg")
        session.add(org)
        await session.flush()
        programme = Programme(organisation_id=org.id, title="П", starts_on=date(2026, 9, 1),
                              ends_on=date(2027, 5, 31), forms=["teacher_teacher"],
                              cadence_days=14)
        session.add(programme)
        await session.flush()
        ids = {"programme": programme.id}
        for key, telegram_id, role in (("mentor", 1, "mentor"), ("mentee", 2, "mentee")):
            user = User(telegram_id=telegram_id)
            session.add(user)
            await session.flush()
            part = Participation(programme_id=programme.id, user_id=user.id, role=role,
                                 state="paired", age_group="18_plus", full_name=key.title())
            session.add(part)
            await session.flush()
            ids[key], ids[f"{key}_user"] = part.id, user.id
        pair = Pair(programme_id=programme.id, mentor_id=ids["mentor"], mentee_id=ids["mentee"],
                    form="teacher_teacher", reasons=[], created_at=NOW - timedelta(days=1))
        session.add(pair)
        await session.flush()
        ids["pair"] = pair.id
    return ids


async def keys(sessionmaker) -> dict[str, str]:
    async with sessionmaker() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
    return {r.dedupe_key: r.state for r in rows}


async def test_planning_rows_move_and_cancel(backend_sessionmaker):
    ids = await world(backend_sessionmaker)
    start = NOW + timedelta(days=3)
    async with backend_sessionmaker() as session, session.begin():
        meeting = await meetings.propose(
            session, user_id=ids["mentee_user"], pair_id=ids["pair"], group=False,
            kind="intro", starts_at=start, fmt="online", place="https://meet.example.org/x",
            now=NOW, default_timezone=TZ)
        mid = meeting.id
    m = f"meeting:{mid}"
    assert await keys(backend_sessionmaker) == {f"{m}:proposal:user:{ids['mentor_user']}": "pending"}
    async with backend_sessionmaker() as session, session.begin():
        with pytest.raises(meetings.DomainError):
            await meetings.confirm(session, user_id=ids["mentee_user"],
                                   meeting_id=mid, now=NOW, default_timezone=TZ)
    async with backend_sessionmaker() as session, session.begin():
        await meetings.confirm(session, user_id=ids["mentor_user"], meeting_id=mid,
                               now=NOW, default_timezone=TZ)
    rows = await keys(backend_sessionmaker)
    for uid in (ids["mentor_user"], ids["mentee_user"]):
        assert rows[f"{m}:ics:user:{uid}"] == "pending"
        assert rows[f"{m}:reminder:24h:user:{uid}"] == "pending"
        assert rows[f"{m}:reminder:1h:user:{uid}"] == "pending"
    async with backend_sessionmaker() as session, session.begin():
        moved = await meetings.move(session, user_id=ids["mentor_user"],
                                    meeting_id=mid, starts_at=start + timedelta(days=1),
                                    now=NOW, default_timezone=TZ)
        assert moved.sequence == 1
    rows = await keys(backend_sessionmaker)
    uid = ids["mentee_user"]
    assert rows[f"{m}:reminder:24h:user:{uid}"] == "cancelled"
    assert rows[f"{m}:reminder:24h:user:{uid}:s1"] == "pending"
    assert rows[f"{m}:ics:s1:user:{uid}"] == "pending"
    async with backend_sessionmaker() as session, session.begin():
        await meetings.cancel(session, user_id=uid, meeting_id=mid, now=NOW,
                              default_timezone=TZ)
    rows = await keys(backend_sessionmaker)
    assert not [k for k, state in rows.items() if state == "pending" and ":reminder:" in k]
    assert rows[f"{m}:cancelled:user:{ids['mentor_user']}"] == "pending"


async def test_stages_cadence_nudges_risk_and_counts(backend_sessionmaker):
    ids = await world(backend_sessionmaker)
    args = {"user_id": ids["mentor_user"], "pair_id": ids["pair"], "group": False,
            "duration": 60, "meeting_id": 0, "zone": TZ, "default_timezone": TZ}
    async with backend_sessionmaker() as session, session.begin():
        first = await meetings.log(session, kind="intro", day=NOW.date(),
                                   log_key="card:1", now=NOW, **args)
        again = await meetings.log(session, kind="intro", day=NOW.date(),
                                   log_key="card:1", now=NOW, **args)
        assert first.created and not again.created and again.meeting.id == first.meeting.id
        second = await meetings.log(session, kind="trial", day=NOW.date(),
                                    log_key="card:2", now=NOW, **args)
        assert (await session.get(Pair, ids["pair"])).stage == "planning"
    async with backend_sessionmaker() as session, session.begin():
        await meetings.delete_log(session, user_id=ids["mentor_user"],
                                  meeting_id=second.meeting.id, now=NOW + timedelta(hours=1))
        assert (await session.get(Pair, ids["pair"])).stage == "trial"

    last = first.meeting.starts_at
    async with backend_sessionmaker() as session, session.begin():
        [row] = await meetings_status.cadence(session, last + timedelta(days=9, hours=23))
        assert row.last_meeting_at == last and row.days_without == 9 and not row.needs_nudge
        assert await meetings_status.nudge_mentors(session, last + timedelta(days=10)) == 1
        assert await meetings_status.nudge_mentors(session, last + timedelta(days=11)) == 0
    async with backend_sessionmaker() as session:
        programme = ids["programme"]
        day = (last + timedelta(days=13)).date()
        assert await meetings_status.pairs_at_risk(session, programme, day - timedelta(days=1)) == []
        assert [p.pair_id for p in await meetings_status.pairs_at_risk(
            session, programme, day + timedelta(days=1))] == [ids["pair"]]
        counts = await meetings_status.meetings_between(
            session, programme, NOW - timedelta(days=1), NOW + timedelta(days=1))
        assert counts == meetings_status.MeetingCounts(done=1)
