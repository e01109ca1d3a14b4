"""The figures, the digest job and announcements on PostgreSQL for real (own database)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.db import create_engine, create_sessionmaker
from bot.services.notices import announcements, digest
from bot.services.reports import programme_stats
from models import OutboxMessage
from models.migrate import upgrade
from tests.conftest import postgres_database_sync
from tests.digest.seed import seed, seed_meetings
from tests.digest.test_digest_job import MONDAY_0900_MSK
from tests.digest.test_survey_completion import check_surveys, seed_surveys


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with postgres_database_sync() as url:
        upgrade(url)
        yield url


async def test_figures_digest_and_announcement_on_postgres(pg_url, translator):
    engine = create_engine(pg_url)
    sessionmaker = create_sessionmaker(engine)
    try:
        async with sessionmaker() as session, session.begin():
            seeded = await seed(session, translator, curator_telegram_id=1, chat_id=-100)
            await seed_meetings(session, seeded)
            figures = await programme_stats.programme_figures(session, seeded.programme_id,
                                                              MONDAY_0900_MSK)
            assert (figures.active("mentor"), figures.active("mentee")) == (3, 4)
            assert figures.unreachable == ["Кузнецова Вера"]
            # the week CASE, the JSON score cast and the context -> meeting id join on PostgreSQL
            assert (figures.meetings_this_week, figures.meetings_last_week) == (1, 1)
            assert (figures.feedback_avg, figures.feedback_avg_prev) == (10, 8.5)
            assert figures.feedback_outstanding == 1 and len(figures.at_risk) == 1
            assert len(figures.roadmap_overdue) == len(figures.roadmap_upcoming) == 1
            answers = await programme_stats.feedback_rows(session, seeded.programme_id,
                                                          figures.timezone)
            assert [a.usefulness for a in answers] == [8.0, 9.0, 10.0]
            assert len(await programme_stats.meeting_rows(session, seeded.programme_id,
                                                          figures.timezone)) == 4
            rows = await programme_stats.pair_rows(session, seeded.programme_id,
                                                   figures.timezone)
            assert [r.mentor for r in rows] == ["Иванова Анна", "Сидоров Олег"]
            assert await digest.queue_due_digests(session, MONDAY_0900_MSK, "ru") == 1
            assert await digest.queue_due_digests(session, MONDAY_0900_MSK, "ru") == 0
            sent = await announcements.send(session, programme_id=seeded.programme_id,
                                            author_user_id=seeded.curator_user_id,
                                            audience="all", text="x", now=MONDAY_0900_MSK)
            assert (sent.recipients, sent.skipped_unreachable) == (5, 1)
            assert await announcements.queue_summaries(session, MONDAY_0900_MSK) == 0
            keys = list(await session.scalars(select(OutboxMessage.dedupe_key)))
            assert sum(k.startswith(f"announcement:{sent.id}:user:") for k in keys) == 5
        # the survey lines: the kind told by LIKE over the key, the response joined by the
        # key rebuilt in SQL (string concatenation and casts) on PostgreSQL
        async with sessionmaker() as session, session.begin():
            seeded = await seed(session, translator, curator_telegram_id=2, people_base=7000)
            await seed_surveys(session, seeded)
            await check_surveys(session, seeded, translator)
    finally:
        await engine.dispose()
