"""Database engine and session factory."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, cast
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, CursorResult, Result, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session
from sqlalchemy.util import await_only

from bot.config import SettingsError
from bot.merged_writes import can_merge, merge

SQLITE_BUSY_TIMEOUT_MS = 10_000

# The session of the update being handled, for code aiogram calls without handler data (the FSM
# storage); set by UpdateMiddleware.
# Handlers take AsyncSession from here: they pass the update's session on to services and never
# use SQLAlchemy themselves (docs/architecture.md, checked by lint-imports).
current_session: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)


def rowcount(result: Result[*tuple[Any, ...]]) -> int:
    """The rows an UPDATE or DELETE matched. SQLAlchemy types every execute() as a Result; a
    statement without RETURNING gives a CursorResult, the kind that counts rows."""
    return cast("CursorResult[*tuple[Any, ...]]", result).rowcount


class WriteTurn:
    """What the update being handled wrote, and its turn at SQLite's single writer.

    Set by UpdateMiddleware for one update. The first statement that is not a read marks
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
        if self.held and self.lock is not None:
            self.held = False
            self.lock.release()

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

# The execution option of a statement whose only write is the update's own id (PostgreSQL's
# prefetch claims it: bot/runtime/middlewares/prefetch.py). It holds back nothing but another
# delivery of the same update, so it does not make the update a writer: its replies still go
# out at once instead of waiting for the commit.
CLAIM_ONLY = "mentorbot_claim_only"


def _before_cursor_execute(conn: Any, cursor: Any, statement: str, parameters: Any,
                           context: Any, executemany: bool) -> None:
    turn = current_turn.get()
    if (turn is not None and not turn.closed and statement.lstrip()[:6].upper() not in _READS
            and not (context is not None and context.execution_options.get(CLAIM_ONLY))):
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
    if url.get_backend_name() != "sqlite" or _sqlite_in_memory(url) or url.database is None:
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


def _configure_sqlite(dbapi_connection: DBAPIConnection, _record: object) -> None:
    # WAL lets readers run beside the writer; the busy timeout waits out short write locks
    # instead of failing; SQLite leaves foreign keys off unless asked.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted and overwritten content is zeroed, not left in free pages of the file: /forget
    # must not leave a name behind (152-ФЗ).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


class _Finished:
    """What a SQLite statement left on its cursor, taken in the connection's thread."""

    __slots__ = ("description", "rowcount", "lastrowid", "arraysize")

    def __init__(self, cursor: Any) -> None:
        self.description = cursor.description
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid
        self.arraysize = cursor.arraysize

    def close(self) -> None:
        return None


def _one_hop_cursor_class() -> type:
    """SQLAlchemy's aiosqlite cursor makes a trip to the connection's thread (a queue put, a
    thread wake-up, a call back into the event loop) to create the cursor, to execute, to
    fetch the rows and to close it: ~4 per statement, ~22 per update, a sixth of the bot's
    CPU on SQLite (issue #21). This one does the four in one trip: the statement still runs in
    aiosqlite's thread, so the event loop is never blocked by SQLite (a slow report, a write
    waiting for the lock), unlike running sqlite3 on the loop's thread."""
    import collections

    from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_cursor
    from sqlalchemy.util import EMPTY_DICT

    empty = _Finished(type("Nothing", (), {"description": None, "rowcount": -1,
                                           "lastrowid": None, "arraysize": 1})())

    class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
        __slots__ = ()
        _awaitable_cursor_close = False  # nothing left open in the thread

        def __init__(self, adapt_connection: Any) -> None:
            self._adapt_connection = adapt_connection
            self._connection = adapt_connection._connection
            # What the statement left (a stand-in for aiosqlite's cursor, which is not kept).
            self._cursor = cast(Any, empty)
            self._soft_closed_memoized = EMPTY_DICT
            self._rows = collections.deque()

        async def _run(self, many: bool, operation: Any, parameters: Any) -> None:
            connection = self._connection  # aiosqlite's: its thread owns the sqlite3 one

            def run() -> tuple[_Finished, list[Any] | None]:
                cursor = connection._conn.cursor()
                try:
                    if many:
                        cursor.executemany(operation, parameters)
                    elif parameters is None:
                        cursor.execute(operation)
                    else:
                        cursor.execute(operation, parameters)
                    rows = cursor.fetchall() if cursor.description and not many else None
                    return _Finished(cursor), rows
                finally:
                    cursor.close()

            async with self._adapt_connection._execute_mutex:
                finished, rows = await connection._execute(run)
            self._cursor = cast(Any, finished)
            if rows is not None:
                self._rows = collections.deque(rows)

        async def _execute_async(self, operation: Any, parameters: Any) -> Any:
            await self._run(False, operation, parameters)

        async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
            await self._run(True, operation, seq_of_parameters)

    return OneHopCursor


_one_hop: dict[type, type] = {}  # aiosqlite connection class -> ours


def _one_hop_statements(dbapi_connection: Any, _record: object) -> None:
    """Gives a new aiosqlite connection a class whose cursors take one trip per statement
    (see _one_hop_cursor_class)."""
    adapted = type(dbapi_connection)
    if adapted in _one_hop.values():
        return
    if adapted not in _one_hop:
        _one_hop[adapted] = type("OneHopConnection", (adapted,),
                                 {"__slots__": (), "_cursor_cls": _one_hop_cursor_class()})
    dbapi_connection.__class__ = _one_hop[adapted]


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
        if engine.dialect.driver == "aiosqlite":
            event.listen(engine.sync_engine, "connect", _one_hop_statements)
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
    event.listen(engine.sync_engine, "before_cursor_execute", _before_cursor_execute)
    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


# session.info key: the objects this session loaded, held until it closes (see keep_loaded).
_KEPT = "kept_loaded"


def keep_loaded(session: AsyncSession) -> None:
    """Hold every object `session` loads until it closes. The ORM's identity map holds objects
    weakly: one a service read and let go (a programme checked while resolving a link) was
    gone when the next step asked for it, and `session.get` read it again — a statement per
    lookup (issue #21). An update's session is short and loads a handful of rows, so it keeps
    them (bot/runtime/middlewares/update.py); jobs and reports, which may stream many, do not."""
    session.info[_KEPT] = []


@event.listens_for(Session, "loaded_as_persistent")
def _keep_if_asked(session: Session, instance: object) -> None:
    kept = session.info.get(_KEPT)
    if kept is not None:
        kept.append(instance)


# session.info flag: this transaction erased a person (/forget).
SHRED_WAL = "shred_wal"


def request_wal_shred(session: AsyncSession) -> None:
    """An erasure asks for SQLite's write-ahead log to be shredded once its transaction is
    committed; the update's unit of work does it (bot/runtime/shred.py), so services need not
    know how updates are committed."""
    session.info[SHRED_WAL] = True


def upsert_dialect(session: AsyncSession | Session) -> str:
    """"postgresql" or "sqlite": whose INSERT ... ON CONFLICT a statement for this session's
    database is built with (statements built once per dialect are looked up by it)."""
    return "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"


def dialect_insert(session: AsyncSession | Session) -> Callable[..., Any]:
    """The `insert` construct with ON CONFLICT for this session's database."""
    return pg_insert if upsert_dialect(session) == "postgresql" else sqlite_insert


# session.info key: Core writes waiting for the transaction's next statement or its commit.
_DEFERRED = "deferred_writes"


def defer_write(session: AsyncSession, statement: Any, values: dict[str, Any]) -> None:
    """A Core write sent as the ORM sends an added object: before the transaction's next
    statement (so every read in it sees the write) or at its commit, whichever comes first.
    Until then the update has not written: its replies go out at once and, on SQLite, it does
    not hold the single writer while it talks to Telegram (WriteTurn). Without the ORM's unit
    of work, which cost more than the insert of one answer (issue #21)."""
    session.info.setdefault(_DEFERRED, []).append((statement, values))


Writes = list[tuple[Any, dict[str, Any]]]

# What writes state kept in memory until the commit (the conversation records,
# bot/runtime/fsm_storage.py): each is asked for its statements when a transaction commits.
_commit_writers: list[Callable[[Session], Writes]] = []


def writes_at_commit(writer: Callable[[Session], Writes]) -> Callable[[Session], Writes]:
    """Registers `writer` (a decorator): the statements it returns for a session are sent
    with that session's deferred writes at its commit."""
    _commit_writers.append(writer)
    return writer


def _take_deferred(session: Session) -> Writes:
    return session.info.pop(_DEFERRED, None) or []


def _at_commit(session: Session) -> Writes:
    writes = _take_deferred(session)
    for writer in _commit_writers:
        writes += writer(session)
    return writes


def _writes_now(session: Session, also: Writes | None) -> Writes:
    writes = _at_commit(session) + (also or [])
    if upsert_dialect(session) == "postgresql" and can_merge(writes):
        return [merge(writes)]
    return writes


async def write_deferred(session: AsyncSession, also: Writes | None = None) -> None:
    """Send the writes still waiting (deferred ones, those of state kept until the commit, and
    `also`) now: the update's unit of work, before it decides whether the update wrote
    (bot/runtime/update_unit.py). On PostgreSQL writes that cannot see one another go as one
    statement (bot/merged_writes.py)."""
    for statement, values in _writes_now(session.sync_session, also):
        await session.execute(statement, values)


async def commit_with_deferred(session: AsyncSession, also: Writes | None = None) -> None:
    """`write_deferred`, the ORM's flush and the commit in one call: each call of AsyncSession
    is a trip into SQLAlchemy's greenlet and back (~25 µs of CPU, issue #21), and an update
    that has nothing to decide between them (its id already claimed) needs one trip."""
    def run(sync_session: Session) -> None:
        for statement, values in _writes_now(sync_session, also):
            sync_session.execute(statement, values)
        sync_session.commit()  # flushes the ORM's changes first

    await session.run_sync(run)


@event.listens_for(Session, "do_orm_execute")
def _deferred_before_next_statement(state: Any) -> None:
    for statement, values in _take_deferred(state.session):  # taken first: no recursion
        state.session.execute(statement, values)


@event.listens_for(Session, "before_commit")
def _deferred_at_commit(session: Session) -> None:
    # Any transaction committed without write_deferred first (jobs, the storage's own session).
    for statement, values in _at_commit(session):
        session.execute(statement, values)


@event.listens_for(Session, "after_soft_rollback")
def _forget_deferred(session: Session, _previous_transaction: object) -> None:
    session.info.pop(_DEFERRED, None)
