"""The region's figures (bot.services.region.figures) against the seeded region, the «<5» rule
(privacy.py) and the fixed number of statements, whatever the number of organisations."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event, select

from bot.services.region import digest, privacy
from bot.services.region.figures import QUERIES, Flag, region_figures
from tests.region.seed import EMPTY, seed_region

NOW = datetime.now(UTC)


async def seeded(app, empty: int = EMPTY):
    async with app.sessionmaker() as session, session.begin():
        return await seed_region(session, app.translator, now=NOW, empty=empty)


def test_small_groups_are_shown_as_under_five():
    assert [privacy.count(n) for n in (0, 1, 4, 5, 120)] == [0, "<5", "<5", 5, 120]
    assert privacy.share(1, 0) is None and privacy.share(1, 4) == "<5"
    assert privacy.share(1, 5) == "<5"  # the part is a small group: 20% of 5 would name it
    assert privacy.share(0, 5) == 0 and privacy.share(5, 20) == 0.25
    assert privacy.mean(30, 4) == "<5" and privacy.mean(40, 5) == 8
    assert privacy.mean(0, 0) is None
    assert privacy.mean(63, 9, people=2) == "<5"  # nine answers, but from two people


async def test_each_organisation_counted_once_and_sorted_by_attention(app):
    region = await seeded(app)
    async with app.sessionmaker() as session:
        figures = await region_figures(session, region.region_id, NOW)
    names = [o.name for o in figures.organisations]
    # the reasons first, then by name: the organisations without a programme before «Школа»
    assert names == ["Колледж № 2", "Гимназия № 3",
                     *[f"Пустая школа {i}" for i in range(1, EMPTY + 1)], "Школа № 1"]
    college, gymnasium, school = (*figures.organisations[:2], figures.organisations[-1])
    assert college.flags == (Flag.NO_MEETINGS, Flag.OVERDUE)
    assert (college.active_pairs, college.at_risk, college.roadmap_overdue) == (3, 3, 2)
    assert gymnasium.flags == (Flag.MONITORING,)
    assert (gymnasium.monitoring_asked, gymnasium.monitoring_answered) == (10, 2)
    assert gymnasium.stage1_people == 2 and gymnasium.stage1_answers == 3
    assert gymnasium.stage2_people == 1 and gymnasium.stage2_sum == 3
    assert school.flags == ()
    assert (school.active("mentor"), school.active("mentee")) == (6, 7)
    assert school.people == {("mentor", "teacher_teacher", "18_plus"): 6,
                             ("mentee", "teacher_teacher", "18_plus"): 6,
                             ("mentee", "teacher_teacher", "14_17"): 1}
    assert (school.active_pairs, school.at_risk) == (6, 0) and school.meetings_recent >= 6
    assert school.meetings_by_week[-3:] == [6, 6, 0]
    assert (school.usefulness_sum, school.usefulness_answers, school.usefulness_people) == (
        48, 6, 6)

    shown = digest.summary(figures)
    assert (shown.mentors, shown.mentees, shown.open_pairs) == (14, 15, 9)
    assert shown.at_risk == "<5" and shown.at_risk_share == "<5"  # 3 of 9: small group
    assert shown.usefulness == 8 and shown.stage1 == "<5" and shown.stage2 == "<5"
    assert shown.monitoring == "<5"  # 2 of 10 answered
    assert (shown.no_meetings, shown.monitoring_not_done, shown.overdue_organisations) == (1, 1, 1)


async def test_a_fixed_number_of_statements_whatever_the_number_of_organisations(app):
    small, large = await seeded(app, empty=1), None
    async with app.sessionmaker() as session, session.begin():
        from tests.region.seed import seed_region as again

        large = await again(session, app.translator, now=NOW, empty=40)
    counts = []
    for region in (small, large):
        statements = []

        def count(*args, _statements=statements):
            _statements.append(args[2])

        event.listen(app.engine.sync_engine, "before_cursor_execute", count)
        try:
            async with app.sessionmaker() as session:
                figures = await region_figures(session, region.region_id, NOW)
        finally:
            event.remove(app.engine.sync_engine, "before_cursor_execute", count)
        counts.append((len(figures.organisations), len(statements)))
    assert counts == [(4, QUERIES), (43, QUERIES)]


async def test_region_shows_a_snapshot_at_most_minutes_old(app):
    """/region reads the stored figures while they are fresh, counts afresh when they are older
    than MAX_AGE or the region's organisations changed, and the JSON round trip keeps them."""
    from datetime import timedelta

    from bot.services.region import access, snapshot
    from models import Organisation

    region = await seeded(app)
    async with app.sessionmaker() as session, session.begin():
        first = await snapshot.current(session, region.region_id, NOW)
    async with app.sessionmaker() as session, session.begin():
        again = await snapshot.current(session, region.region_id, NOW + timedelta(minutes=3))
        assert again == first  # read back, not counted: the same moment
        session.add(Organisation(name="Новая школа", kind="school", timezone="Europe/Moscow"))
        await session.flush()
        new = max(o.id for o in await session.scalars(select(Organisation)))
        await access.toggle_organisation(session, region.region_id, new)
    async with app.sessionmaker() as session, session.begin():
        later = await snapshot.current(session, region.region_id, NOW + timedelta(minutes=4))
        assert len(later.organisations) == len(first.organisations) + 1
        assert later.computed_at == NOW + timedelta(minutes=4)
        stale = await snapshot.current(session, region.region_id,
                                       NOW + timedelta(minutes=4) + snapshot.MAX_AGE
                                       + timedelta(seconds=1))
        assert stale.computed_at > later.computed_at
        assert await snapshot.refresh_all(session, stale.computed_at) == 0
        assert await snapshot.refresh_all(
            session, stale.computed_at + snapshot.REFRESH_EVERY) == 1
