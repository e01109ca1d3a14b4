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


CONSENT_ROWS = """
INSERT INTO organisations (id, name, kind, timezone, created_at)
    VALUES (1, 'Школа', 'school', 'Europe/Moscow', '2026-01-01 00:00:00+00');
INSERT INTO programmes (id, organisation_id, title, starts_on, ends_on, forms, cadence_days, state,
                        digest_weekday, digest_time, created_at)
    VALUES (1, 1, 'Программа', '2026-09-01', '2027-05-31', '["teacher_teacher"]', 14, 'running',
            0, '09:00', '2026-01-01 00:00:00+00');
INSERT INTO consent_texts (id, programme_id, version, body_ru, body_en, created_at)
    VALUES (1, 1, 1, 'Согласие, версия 1', 'Consent, version 1', '2026-01-01 00:00:00+00'),
           (2, 1, 2, 'Согласие, версия 2', 'Consent, version 2', '2026-02-01 00:00:00+00');
INSERT INTO participations (id, programme_id, role, state, age_group, created_at)
    VALUES (1, 1, 'mentor', 'active', '18_plus', '2026-01-01 00:00:00+00');
INSERT INTO consent_records (id, participation_id, consent_text_id, subject, decision, method,
                             decided_at)
    VALUES (1, 1, 1, 'self', 'given', 'telegram_button', '2026-01-01 00:00:00+00');
"""


async def _run(url: str, statements: str) -> list:
    from sqlalchemy import text

    engine = create_engine(url)
    rows: list = []
    async with engine.begin() as connection:
        for statement in filter(str.strip, statements.split(";")):
            result = await connection.execute(text(statement))
            if result.returns_rows:
                rows = [tuple(row) for row in result]
    await engine.dispose()
    return rows


async def consent_texts_move_into_rows_and_back(url: str) -> None:
    """0018 moves every consent text's Russian and English words into per-locale rows and
    back, without touching the consents that point at them."""
    await upgrade_async(url, "0017")
    await _run(url, CONSENT_ROWS)
    await upgrade_async(url, "0018")
    assert await _run(url, "SELECT consent_text_id, locale, body FROM consent_text_bodies "
                           "ORDER BY consent_text_id, locale") == [
        (1, "en", "Consent, version 1"), (1, "ru", "Согласие, версия 1"),
        (2, "en", "Consent, version 2"), (2, "ru", "Согласие, версия 2")]
    assert await _run(url, "SELECT id, consent_text_id FROM consent_records") == [(1, 1)]
    # A text with only its first language (added by hand, say) comes back in both columns.
    await _run(url, "INSERT INTO consent_texts (id, programme_id, version, created_at) "
                    "VALUES (3, 1, 3, '2026-03-01 00:00:00+00');"
                    "INSERT INTO consent_text_bodies VALUES (3, 'ru', 'Согласие, версия 3')")
    await downgrade_async(url, "0017")
    assert await _run(url, "SELECT id, body_ru, body_en FROM consent_texts ORDER BY id") == [
        (1, "Согласие, версия 1", "Consent, version 1"),
        (2, "Согласие, версия 2", "Consent, version 2"),
        (3, "Согласие, версия 3", "Согласие, версия 3")]
    assert await _run(url, "SELECT id, consent_text_id FROM consent_records") == [(1, 1)]
    await upgrade_async(url)


async def test_consent_texts_migrate_on_sqlite(sqlite_url):
    await consent_texts_move_into_rows_and_back(sqlite_url)


async def test_consent_texts_migrate_on_postgresql(postgres_url):
    await consent_texts_move_into_rows_and_back(postgres_url)


FEEDBACK_ROWS = """
INSERT INTO organisations (id, name, kind, timezone, created_at)
    VALUES (1, 'Школа', 'school', 'Europe/Moscow', '2026-01-01 00:00:00+00');
INSERT INTO programmes (id, organisation_id, title, starts_on, ends_on, forms, cadence_days, state,
                        digest_weekday, digest_time, created_at)
    VALUES (1, 1, 'Программа', '2026-09-01', '2027-05-31', '["teacher_teacher"]', 14, 'running',
            0, '09:00', '2026-01-01 00:00:00+00');
INSERT INTO participations (id, programme_id, role, state, age_group, created_at)
    VALUES (1, 1, 'mentor', 'paired', '18_plus', '2026-01-01 00:00:00+00');
INSERT INTO meetings (id, programme_id, mentor_id, kind, starts_at, duration_minutes, state,
                      sequence, topics, created_at, updated_at)
    VALUES (7, 1, 1, 'regular', '2026-03-02 10:00:00+00', 60, 'done', 0, '[]',
            '2026-03-01 00:00:00+00', '2026-03-01 00:00:00+00');
INSERT INTO survey_responses (id, participation_id, survey_id, survey_version, context,
                              started_at)
    VALUES (1, 1, 'meeting_feedback', 1, 'meeting:7', '2026-03-02 12:00:00+00'),
           (2, 1, 'meeting_feedback', 1, 'meeting:8', '2026-03-02 12:00:00+00'),
           (3, 1, 'meeting_feedback', 1, 'meeting:7x', '2026-03-02 12:00:00+00'),
           (4, 1, 'meeting_feedback', 1, 'meeting:', '2026-03-02 12:00:00+00'),
           (5, 1, 'mentor_profile', 1, 'profile', '2026-03-02 12:00:00+00')
"""


async def feedback_meetings_become_keys_and_back(url: str) -> None:
    """0021 gives each meeting feedback response its meeting as a key, read from the context;
    a context naming no meeting (gone, or not a number) leaves it empty, and going down keeps
    the context that still names it."""
    script = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://"))
    before = script.get_revision("0021").down_revision
    assert isinstance(before, str)
    await upgrade_async(url, before)
    await _run(url, FEEDBACK_ROWS)
    await upgrade_async(url, "0021")
    assert await _run(url, "SELECT id, meeting_id FROM survey_responses ORDER BY id") == [
        (1, 7), (2, None), (3, None), (4, None), (5, None)]
    await downgrade_async(url, before)
    assert (await _run(url, "SELECT id, context FROM survey_responses ORDER BY id"))[0] == (
        1, "meeting:7")
    await upgrade_async(url)


async def test_feedback_meetings_migrate_on_sqlite(sqlite_url):
    await feedback_meetings_become_keys_and_back(sqlite_url)


async def test_feedback_meetings_migrate_on_postgresql(postgres_url):
    await feedback_meetings_become_keys_and_back(postgres_url)
