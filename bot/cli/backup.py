"""`mentorbot backup` / `mentorbot restore` for SQLite; PostgreSQL gets pg_dump instructions.

Backup uses SQLite's online backup API, so it is consistent while the bot runs. Restore
refuses while a bot process holds the scheduler lock file (`<db>.scheduler.lock`, held by the
running bot), and checks the file first: `PRAGMA integrity_check`, the mentorbot tables and an
Alembic revision this code knows. The current database is kept beside it before it is
replaced."""

from __future__ import annotations

import fcntl
import os
import sqlite3
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

POSTGRES_INSTRUCTIONS = """\
This deployment uses PostgreSQL: back it up with its own tools, e.g.
  pg_dump --format=custom --file=mentorbot-$(date +%Y%m%d-%H%M%S).dump "$PGURL"
and restore into an empty database (stop the bot first):
  pg_restore --clean --if-exists --no-owner --dbname="$PGURL" mentorbot-YYYYmmdd-HHMMSS.dump
where PGURL is DATABASE_URL without "+asyncpg" (postgresql://user:password@host/db)."""

REQUIRED_TABLES = ("alembic_version", "users", "programmes", "participations")


class BackupError(Exception):
    """Why a backup or restore was refused; `str()` is one readable message."""


def sqlite_path(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(POSTGRES_INSTRUCTIONS)
    if url.database in (None, "", ":memory:"):
        raise BackupError("an in-memory database cannot be backed up")
    return Path(url.database).expanduser().resolve()


def _lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".scheduler.lock")


def backup(database_url: str, directory: Path | None = None, now: datetime | None = None
           ) -> Path:
    db = sqlite_path(database_url)
    if not db.exists():
        raise BackupError(f"no database at {db}")
    directory = (directory or db.parent / "backups").expanduser()
    directory.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    target = directory / f"{db.stem}-{stamp}.db"
    if target.exists():
        raise BackupError(f"{target} already exists")
    backup_to(db, target)  # online: readers and the writer carry on meanwhile
    return target


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from models.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return {revision.revision for revision in script.walk_revisions()}


def verify(file: Path) -> str:
    """The file's Alembic revision when it is a sound mentorbot database; else BackupError."""
    if not file.is_file():
        raise BackupError(f"no file at {file}")
    try:
        connection = sqlite3.connect(file)  # not read-only: a WAL file beside it counts too
        try:
            (result,) = connection.execute("PRAGMA integrity_check").fetchone()
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = [t for t in REQUIRED_TABLES if t not in tables]
            if result != "ok":
                raise BackupError(f"{file} failed the integrity check: {result}")
            if missing:
                raise BackupError(f"{file} is not a mentorbot database (no table "
                                  f"{', '.join(missing)})")
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{file} is not an SQLite database ({exc})") from None
    if row is None or row[0] not in known_revisions():
        raise BackupError(f"{file} has database version {row[0] if row else 'none'}, which this "
                          "version of mentorbot does not know (a newer release made it?)")
    return row[0]


@contextmanager
def no_bot_running(db: Path):
    """Holds the scheduler lock file for the duration, so no bot starts sending meanwhile."""
    lock = _lock_path(db)
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = lock.read_text().strip() or "?"
            raise BackupError(f"a bot process (pid {holder}) is running on {db}; stop it "
                              "first (systemctl stop mentorbot / docker compose stop bot)"
                              ) from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def restore(database_url: str, file: Path, now: datetime | None = None) -> tuple[str, Path | None]:
    """Replaces the database by `file`; returns its revision and where the old one was kept."""
    db = sqlite_path(database_url)
    file = file.expanduser().resolve()
    if file == db:
        raise BackupError("that file is the live database itself")
    revision = verify(file)
    with no_bot_running(db):
        kept = None
        if db.exists():
            stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
            kept = db.with_name(f"{db.stem}-before-restore-{stamp}.db")
            backup_to(db, kept)
        db.parent.mkdir(parents=True, exist_ok=True)
        backup_to(file, db)  # through SQLite, so the live file's WAL is taken care of
    return revision, kept


def backup_to(source_path: Path, target_path: Path) -> None:
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
