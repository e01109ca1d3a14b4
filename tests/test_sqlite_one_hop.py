"""A SQLite statement takes one trip to aiosqlite's thread, not four (cursor, execute, fetch,
close): the trips were a sixth of the bot's CPU on SQLite (issue #21, bot/db.py). The statement
still runs in that thread, never on the event loop's."""

from __future__ import annotations

import threading

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.db import create_engine


@pytest.fixture
async def engine(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'hops.db'}")
    yield engine
    await engine.dispose()


async def test_one_trip_per_statement_and_results_as_before(engine, monkeypatch):
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
    trips: list[str] = []
    threads: set[int] = set()
    original = aiosqlite.Connection._execute

    async def counted(self, fn, *args, **kwargs):
        trips.append(getattr(fn, "__name__", "?"))

        def run():
            threads.add(threading.get_ident())
            return fn(*args, **kwargs)

        return await original(self, run)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    async with engine.connect() as connection:
        trips.clear()
        inserted = await connection.execute(
            text("INSERT INTO t (v) VALUES ('a') RETURNING id"))
        assert inserted.scalar_one() == 1
        many = await connection.execute(text("INSERT INTO t (v) VALUES (:v)"),
                                        [{"v": "b"}, {"v": "c"}])
        assert many.rowcount == 2
        changed = await connection.execute(text("UPDATE t SET v = v || '!' WHERE id > 1"))
        assert changed.rowcount == 2
        rows = (await connection.execute(text("SELECT id, v FROM t ORDER BY id"))).all()
        assert [tuple(r) for r in rows] == [(1, "a"), (2, "b!"), (3, "c!")]
        assert len(trips) == 4  # one per statement (the first one's BEGIN is sqlite3's own)
        await connection.commit()
    assert threading.get_ident() not in threads  # never on the event loop's thread


async def test_errors_are_the_drivers_as_before(engine):
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (v TEXT UNIQUE)"))
        await connection.execute(text("INSERT INTO t VALUES ('a')"))
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES ('a')"))
    with pytest.raises(OperationalError):
        async with engine.begin() as connection:
            await connection.execute(text("SELECT * FROM missing"))
    async with engine.connect() as connection:  # the connection is usable after both
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar_one() == 1
