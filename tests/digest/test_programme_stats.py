"""The figures behind the digest, /status and the report: correct for a seeded programme, and a
fixed number of queries whatever the number of pairs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event, select

from bot.services.lifecycle import monitoring_surveys as lifecycle
from bot.services.people import users
from bot.services.reports import programme_stats
from bot.services.surveys.completion import SurveyLine
from models import Meeting, MeetingPair, Pair, Participation, ParticipationState
from tests.digest.seed import CREATED, feedback, seed, seed_meetings

NOW = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)


async def test_figures_of_a_seeded_programme(app):
    async with app.sessionmaker() as session, session.begin():
        seeded = await seed(session, app.translator, curator_telegram_id=1)
        figures = await programme_stats.programme_figures(session, seeded.programme_id, NOW)
    assert figures.active("mentor") == 3
    assert figures.active("mentee") == 4  # the withdrawn one is not counted
    assert figures.participants["mentee"][ParticipationState.WITHDRAWN] == 1
    assert figures.paired_total == 4
    assert figures.open_pairs == 2
    assert figures.pairs_by_stage["intro"] == 1 and figures.pairs_by_stage["regular"] == 1
    assert figures.unreachable == ["Кузнецова Вера"]
    assert figures.by_role_form_age[("mentee", "teacher_teacher", "14_17")] == 1
    assert figures.paired_share == 4 / 7
    assert figures.meetings_this_week == 0 and figures.feedback_avg is None
    assert [p.label for p in figures.at_risk] == ["Иванова Анна — Орлов Глеб",
                                                  "Сидоров Олег — Лебедева Ия"]
    assert not figures.has_meetings


async def test_meetings_feedback_risk_and_roadmap_figures(app):
    async with app.sessionmaker() as session, session.begin():
        seeded = await seed(session, app.translator, curator_telegram_id=1)
        await seed_meetings(session, seeded)
        figures = await programme_stats.programme_figures(session, seeded.programme_id, NOW)
        meetings = await programme_stats.meeting_rows(session, seeded.programme_id, "Europe/Moscow")
        answers = await programme_stats.feedback_rows(session, seeded.programme_id,
                                                      "Europe/Moscow")
    assert (figures.meetings_this_week, figures.meetings_last_week) == (1, 1)
    assert figures.feedback_avg == 10 and figures.feedback_avg_prev == 8.5
    assert figures.trend == "↑"
    # this week: the mentee has not finished; last week: both answered; older weeks not counted
    assert figures.feedback_outstanding == 1
    assert (figures.feedback_completed, figures.feedback_expected) == (3, 6)
    assert figures.avg_by_form == {"teacher_teacher": 9.0}
    assert [p.label for p in figures.at_risk] == ["Иванова Анна — Орлов Глеб"]
    assert figures.cadence_share == 0.5
    assert [(line.label, line.deadline) for line in figures.roadmap_overdue] == [
        ("1.1 Приказ о наставничестве", date(2026, 11, 2))]
    assert [line.label for line in figures.roadmap_upcoming] == ["2.3 Промежуточный опрос"]
    # the chart: from the programme's first week (1 September) to this week, zeros included
    assert figures.chart_series[0].week_start == date(2026, 8, 31)
    assert figures.chart_series[-1] == programme_stats.WeekPoint(date(2026, 11, 16), 1, 10.0)
    assert figures.chart_series[-2] == programme_stats.WeekPoint(date(2026, 11, 9), 1, 8.5)
    assert figures.chart_series[-3] == programme_stats.WeekPoint(date(2026, 11, 2), 1, None)
    assert sum(p.meetings for p in figures.chart_series) == 3  # the cancelled one is not held
    assert [(m.day, m.state) for m in meetings] == [
        (date(2026, 11, 3), "done"), (date(2026, 11, 10), "done"),
        (date(2026, 11, 12), "cancelled"), (date(2026, 11, 16), "done")]
    assert meetings[0].pair == "Сидоров Олег — Лебедева Ия"
    assert [(a.meeting_day, a.role, a.usefulness) for a in answers] == [
        (date(2026, 11, 10), "mentor", 8.0), (date(2026, 11, 10), "mentee", 9.0),
        (date(2026, 11, 16), "mentor", 10.0)]
    assert answers[0].to_change == "Больше практики"
    assert answers[1].valuable == ["practical_advice", "support"]


async def _count_queries(app, pairs: int) -> int:
    async with app.sessionmaker() as session, session.begin():
        seeded = await seed(session, app.translator, curator_telegram_id=10_000 + pairs,
                            people_base=100_000 * pairs)
        added = []
        for i in range(pairs):
            reachable = await users.get_or_create(session, 100_000 * pairs + 50_000 + i)
            mentor = Participation(programme_id=seeded.programme_id, user_id=None, role="mentor",
                                   state="paired", age_group="18_plus", form="teacher_teacher",
                                   full_name=f"M{i}", created_at=CREATED)
            mentee = Participation(programme_id=seeded.programme_id, user_id=reachable.id,
                                   role="mentee",
                                   state="paired", age_group="18_plus", form="teacher_teacher",
                                   full_name=f"E{i}", created_at=CREATED)
            session.add_all([mentor, mentee])
            await session.flush()
            added.append(Pair(programme_id=seeded.programme_id, mentor_id=mentor.id,
                              mentee_id=mentee.id, form="teacher_teacher",
                              stage=("intro", "trial", "regular")[i % 3], created_at=CREATED))
            session.add(added[-1])
        await session.flush()
        # the midterm survey to every added mentee (their mentors cannot be reached)
        assert await lifecycle.send(session, ("mid",), added, NOW) == pairs
        pair_ids = list(await session.scalars(
            select(Pair.id).where(Pair.programme_id == seeded.programme_id).order_by(Pair.id)))
        people = dict((await session.execute(
            select(Pair.id, Pair.mentor_id).where(Pair.programme_id == seeded.programme_id))).all())
        for n, pair_id in enumerate(pair_ids[1:], start=1):  # the first pair stays at risk
            meeting = Meeting(programme_id=seeded.programme_id, mentor_id=people[pair_id],
                              kind="regular", state="done",
                              starts_at=NOW - timedelta(days=n % 20, hours=1))
            session.add(meeting)
            await session.flush()
            session.add(MeetingPair(meeting_id=meeting.id, pair_id=pair_id))
            if n % 3 == 0:
                await feedback(session, meeting.id, people[pair_id], 1 + n % 10)
        await seed_meetings(session, seeded)
        statements: list[str] = []

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        engine = app.engine.sync_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            figures = await programme_stats.programme_figures(session, seeded.programme_id, NOW)
            rows = await programme_stats.pair_rows(session, seeded.programme_id, figures.timezone)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert figures.open_pairs == pairs + 2
        assert len(rows) == pairs + 2
        assert sum(p.meetings for p in figures.chart_series) == pairs + 4
        assert figures.feedback_completed == (pairs + 1) // 3 + 3
        assert figures.roadmap_overdue and figures.at_risk
        assert figures.surveys == [SurveyLine("mid", pairs, 0)]
        return len(statements)


async def test_a_fixed_number_of_queries_for_10_and_200_pairs(app):
    few = await _count_queries(app, 10)
    many = await _count_queries(app, 200)
    assert few == many
    assert few <= programme_stats.QUERIES + 1  # and the pairs' rows
