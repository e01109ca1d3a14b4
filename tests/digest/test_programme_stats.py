"""The figures behind the digest, /status and the report: correct for a seeded programme, and a
fixed number of queries whatever the number of pairs."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event

from bot.services import programme_stats
from models import Pair, Participation, ParticipationState
from tests.digest.seed import CREATED, seed

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
    assert figures.meetings_this_week is None and figures.at_risk == []


async def _count_queries(app, pairs: int) -> int:
    async with app.sessionmaker() as session, session.begin():
        seeded = await seed(session, app.translator, curator_telegram_id=10_000 + pairs,
                            people_base=100_000 * pairs)
        for i in range(pairs):
            mentor = Participation(programme_id=seeded.programme_id, user_id=None, role="mentor",
                                   state="paired", age_group="18_plus", form="teacher_teacher",
                                   full_name=f"M{i}", created_at=CREATED)
            mentee = Participation(programme_id=seeded.programme_id, user_id=None, role="mentee",
                                   state="paired", age_group="18_plus", form="teacher_teacher",
                                   full_name=f"E{i}", created_at=CREATED)
            session.add_all([mentor, mentee])
            await session.flush()
            session.add(Pair(programme_id=seeded.programme_id, mentor_id=mentor.id,
                             mentee_id=mentee.id, form="teacher_teacher",
                             stage=("intro", "trial", "regular")[i % 3], created_at=CREATED))
        await session.flush()
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
        return len(statements)


async def test_a_fixed_number_of_queries_for_10_and_200_pairs(app):
    few = await _count_queries(app, 10)
    many = await _count_queries(app, 200)
    assert few == many
    assert few <= 7
