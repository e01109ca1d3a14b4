"""Stairway: every migration goes up, down and up again, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.db import create_engine
from models import Base
from models.migrate import alembic_config, downgrade_async, upgrade_async
from tests.conftest import postgres_database


def revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://"))
    return [r.revision for r in reversed(list(script.walk_revisions("base", "heads")))]


async def tables(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return names - {"alembic_version"}


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with postgres_database() as url:
        yield url


async def stairway(url: str) -> None:
    previous = "base"
    for revision in revisions():
        await upgrade_async(url, revision)
        await downgrade_async(url, previous)
        await upgrade_async(url, revision)
        previous = revision
    assert await tables(url) == set(Base.metadata.tables)


async def test_stairway_sqlite(sqlite_url):
    await stairway(sqlite_url)


async def test_stairway_postgresql(postgres_url):
    await stairway(postgres_url)


def test_one_head_only():
    script = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://"))
    assert len(script.get_heads()) == 1


async def test_models_and_migrations_agree(sqlite_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    await upgrade_async(sqlite_url)
    engine = create_engine(sqlite_url)
    async with engine.connect() as connection:
        diff = await connection.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata))
    await engine.dispose()
    assert diff == []
