"""Database engine and session factory."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import await_only

from bot.config import SettingsError

SQLITE_BUSY_TIMEOUT_MS = 10_000

# The session of the update being handled, for code aiogram calls without handler data (the FSM
# storage); set by DbSessionMiddleware.
current_session: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)


class WriteTurn:
    """What the update being handled wrote, and its turn at SQLite's single writer.

    Set by DbSessionMiddleware for one update. The first statement that is not a read marks
    the update as writing (its id is then recorded for de-duplication: bot/middlewares/dedupe.py)
    and, on SQLite, waits for `lock`, held until the update's transaction ends: writers take
    turns in a fair queue in this process instead of threads polling SQLite's busy handler
    (which under load gives up, "database is locked"), while updates that only read run side
    by side (WAL)."""

    __slots__ = ("lock", "held", "wrote", "closed")

    def __init__(self, lock: asyncio.Lock | None) -> None:
        self.lock = lock
        self.held = False
        self.wrote = False
        self.closed = False

    def writing(self) -> None:
        """Called (inside SQLAlchemy's greenlet) before a statement that writes."""
        if self.closed:
            return
        self.wrote = True
        if self.lock is not None and not self.held:
            await_only(self.lock.acquire())
            self.held = True

    def release(self) -> None:
        self.closed = True
        if self.held:
            self.held = False
            self.lock.release()  # type: ignore[union-attr]

    def reopen(self) -> None:
        """After a commit in the middle of an update: its next write is a new transaction,
        which takes its own turn (bot/runtime/update_unit.py)."""
        self.release()
        self.closed = False
        self.wrote = False


current_turn: ContextVar[WriteTurn | None] = ContextVar("current_write_turn", default=None)

_writer_locks: WeakKeyDictionary[Any, asyncio.Lock] = WeakKeyDictionary()


def sqlite_writer_lock(sessionmaker: async_sessionmaker[AsyncSession]) -> asyncio.Lock | None:
    """The queue for SQLite's single writer shared by everything in this process that writes
    through `sessionmaker`'s engine and takes turns (updates, the update journal); None for
    other databases."""
    bind = sessionmaker.kw.get("bind")
    if bind is None or bind.dialect.name != "sqlite":
        return None
    engine = bind.sync_engine
    if engine not in _writer_locks:
        _writer_locks[engine] = asyncio.Lock()
    return _writer_locks[engine]


@contextmanager
def write_turn(lock: asyncio.Lock | None) -> Iterator[WriteTurn]:
    """Statements sent inside take their turn at the writer (see WriteTurn); the turn ends with
    the block, so the block must end the transaction too."""
    turn = WriteTurn(lock)
    token = current_turn.set(turn)
    try:
        yield turn
    finally:
        turn.release()
        current_turn.reset(token)

_READS = ("SELECT", "PRAGMA")


def _before_cursor_execute(conn: Any, cursor: Any, statement: str, parameters: Any,
                           context: Any, executemany: bool) -> None:
    turn = current_turn.get()
    if turn is not None and not turn.closed and statement.lstrip()[:6].upper() not in _READS:
        turn.writing()


def _sqlite_in_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


class DatabaseNotWritable(SettingsError):
    """The SQLite database (or its directory) cannot be written by this process."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(
            f"Invalid setting DATABASE_URL: the SQLite database {path} cannot be written "
            f"({reason}). Give the bot's user write access to the file and its directory "
            "(SQLite writes its journal beside the file), or point DATABASE_URL elsewhere.")


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite database; None for an in-memory one or another database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or _sqlite_in_memory(url):
        return None
    return Path(url.database).expanduser().absolute()


def ensure_sqlite_directory(database_url: str) -> None:
    """Create the database's directory and check that SQLite can write there: a read-only file
    or directory would otherwise fail at the first write, deep inside a migration or an update
    (a traceback of hundreds of lines), or pass start-up and fail every update that writes."""
    path = sqlite_path(database_url)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseNotWritable(path, f"its directory cannot be created: "
                                        f"{exc.strerror or exc}") from None
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise DatabaseNotWritable(path, f"the directory {path.parent} is read-only")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseNotWritable(path, "the file is read-only")


_SQLITE_CANNOT_WRITE = ("attempt to write a readonly database", "unable to open database file",
                        "readonly database")


@contextmanager
def unwritable_sqlite_as_setting_error(database_url: str) -> Iterator[None]:
    """Start-up: SQLite refusing to write for a reason `ensure_sqlite_directory` cannot see
    (e.g. a file system mounted read-only after the check) ends in the same one line."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    try:
        yield
    except (OperationalError, sqlite3.OperationalError) as exc:
        path = sqlite_path(database_url)
        reason = str(getattr(exc, "orig", None) or exc)
        if path is None or not reason.startswith(_SQLITE_CANNOT_WRITE):
            raise
        raise DatabaseNotWritable(path, reason) from None


def _configure_sqlite(dbapi_connection: object, _record: object) -> None:
    # WAL lets readers run beside the writer; the busy timeout waits out short write locks
    # instead of failing; SQLite leaves foreign keys off unless asked.
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted and overwritten content is zeroed, not left in free pages of the file: /forget
    # must not leave a name behind (152-ФЗ).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def create_engine(database_url: str, pool_size: int | None = None,
                  max_overflow: int | None = None, **kwargs: object) -> AsyncEngine:
    """The engine; `pool_size` / `max_overflow` size its connection pool (SQLAlchemy's
    defaults when None; ignored for an in-memory SQLite database, which has one connection)."""
    ensure_sqlite_directory(database_url)
    if not _sqlite_in_memory(make_url(database_url)):
        if pool_size is not None:
            kwargs["pool_size"] = pool_size
        if max_overflow is not None:
            kwargs["max_overflow"] = max_overflow
    engine = create_async_engine(database_url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
    event.listen(engine.sync_engine, "before_cursor_execute", _before_cursor_execute)
    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
