"""The figures' plans on PostgreSQL right after a bulk load, before any statistics exist: no
statement of the digest, /status or /report nested-loops a join by comparing rows (a Join
Filter), the plan that once made the figures of 1,000 pairs take 68 s (bench/report.py times
it at full size)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, text

from bench.digest import NOW, seed
from bot.db import create_engine, create_sessionmaker
from bot.services.reports import programme_stats
from models import Base
from models.migrate import upgrade
from tests.conftest import postgres_database_sync


@pytest.fixture(scope="module")
def fresh_url() -> Iterator[str]:
    with postgres_database_sync() as url:
        upgrade(url)
        yield url


def _looked_up(plan: dict[str, Any]) -> bool:
    """Whether a plan's rows are found through an index (by the outer row's values)."""
    return "Index Cond" in plan or any(_looked_up(child) for child in plan.get("Plans", []))


def _loops(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Nested loops that compare every outer row with every inner row: a Join Filter over an
    inner side read whole (not looked up by the outer row through an index)."""
    if plan.get("Node Type") == "Nested Loop" and "Join Filter" in plan:
        inner = [c for c in plan.get("Plans", []) if c.get("Parent Relationship") == "Inner"]
        if inner and not _looked_up(inner[0]):
            yield plan
    for child in plan.get("Plans", []):
        yield from _loops(child)


async def test_no_comparing_nested_loop_without_statistics(fresh_url):
    engine = create_engine(fresh_url)
    sessionmaker = create_sessionmaker(engine)
    try:
        async with engine.begin() as connection:  # autovacuum would ANALYZE behind our back
            for table in Base.metadata.tables:
                await connection.execute(text(
                    f'ALTER TABLE "{table}" SET (autovacuum_enabled = false)'))
        pid = await seed(sessionmaker, pairs=200, meetings=4000, participants=600,
                         rnd=random.Random(1))
        async with engine.connect() as connection:
            assert await connection.scalar(text(
                "SELECT count(*) FROM pg_stats WHERE tablename = 'survey_responses'")) == 0
        executed: list[tuple[str, Any]] = []

        def keep(conn, cursor, statement, parameters, context, executemany) -> None:
            executed.append((statement, parameters))

        event.listen(engine.sync_engine, "before_cursor_execute", keep)
        try:
            async with sessionmaker() as session:
                figures = await programme_stats.programme_figures(session, pid, NOW)
                answers = await programme_stats.feedback_rows(session, pid, figures.timezone)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", keep)
        assert figures.feedback_completed > 0 and answers
        comparing = []
        async with engine.connect() as connection:
            for statement, parameters in executed:
                if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                plan = (await connection.exec_driver_sql(
                    "EXPLAIN (FORMAT JSON) " + statement, parameters)).scalar_one()
                comparing += [(statement[:120], loop["Join Filter"])
                              for loop in _loops(plan[0]["Plan"])]
        assert comparing == []
    finally:
        await engine.dispose()
