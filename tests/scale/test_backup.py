"""`mentorbot backup` / `restore` on SQLite: a consistent copy, a restore that refuses while a
bot runs or when the file is not a sound mentorbot database, and PostgreSQL's instructions."""

from __future__ import annotations

import fcntl
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli.backup import BackupError, backup, restore, verify
from models import User
from tests.test_settings import run_cli


async def user_ids(app) -> list[int]:
    async with app.sessionmaker() as session:
        return sorted(await session.scalars(select(User.telegram_id)))


def db_file(settings) -> Path:
    return Path(settings.database_url.split("///", 1)[1])


async def test_backup_then_restore_brings_the_data_back(app, settings, tmp_path):
    async with app.sessionmaker() as session, session.begin():
        session.add(User(telegram_id=111))
    copy = backup(settings.database_url, tmp_path / "copies",
                  now=datetime(2026, 11, 22, 9, 30, tzinfo=UTC))
    assert copy.name == "mentorbot-20261122-093000.db"
    assert verify(copy)
    async with app.sessionmaker() as session, session.begin():
        session.add(User(telegram_id=222))
    await app.engine.dispose()

    revision, kept = restore(settings.database_url, copy)
    assert revision and kept is not None and kept.exists()
    assert await user_ids(app) == [111]


async def test_restore_refuses_while_a_bot_holds_the_lock(app, settings, tmp_path):
    copy = backup(settings.database_url, tmp_path)
    lock = db_file(settings).with_name("mentorbot.db.scheduler.lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # what a running bot holds
        with pytest.raises(BackupError, match="is running"):
            restore(settings.database_url, copy)
    finally:
        os.close(fd)


def test_restore_refuses_what_is_not_a_mentorbot_database(settings, tmp_path):
    garbage = tmp_path / "notes.db"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(BackupError, match="not an SQLite database"):
        restore(settings.database_url, garbage)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER)")
    with pytest.raises(BackupError, match="not a mentorbot database"):
        restore(settings.database_url, other)
    assert not db_file(settings).exists()  # nothing was touched


async def test_restore_refuses_an_unknown_database_version(app, settings, tmp_path):
    copy = backup(settings.database_url, tmp_path)
    with sqlite3.connect(copy) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'from_the_future'")
    with pytest.raises(BackupError, match="does not know"):
        restore(settings.database_url, copy)


def test_cli_backup_and_postgres_instructions(tmp_path):
    from models.migrate import upgrade

    url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'mentorbot.db'}"
    upgrade(url)
    done = run_cli("backup", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = Path(done.stdout.split("Backup written: ", 1)[1].strip())
    assert written.parent == tmp_path / "data" / "backups" and written.exists()
    done = run_cli("restore", str(written), env={"DATABASE_URL": url}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Restored" in done.stdout
    pg = run_cli("backup", env={"DATABASE_URL": "postgresql+asyncpg://u@127.0.0.1/db"},
                 cwd=tmp_path)
    assert pg.returncode == 2 and "pg_dump" in pg.stderr and "pg_restore" in pg.stderr
