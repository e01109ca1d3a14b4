"""Only one scheduler per database: the leader sends, the others wait to take over.

PostgreSQL: a session-level advisory lock held on a dedicated connection; when the leader's
process or connection dies, the server frees the lock and another instance takes it.
SQLite: an exclusive, non-blocking flock on `<db>.scheduler.lock`; the kernel frees it when the
process dies, even by SIGKILL."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import make_url

logger = logging.getLogger("mentorbot.scheduler")

# "mentorbt" as a signed 64-bit integer: the advisory lock key of the outbox scheduler.
ADVISORY_LOCK_KEY = int.from_bytes(b"mentorbt", "big", signed=True)


class LeaderLock(Protocol):
    async def try_acquire(self) -> bool: ...
    async def still_held(self) -> bool: ...
    async def release(self) -> None: ...


class AlwaysLeader:
    """An in-memory SQLite database lives in one process: nobody to compete with."""

    async def try_acquire(self) -> bool:
        return True

    async def still_held(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class FileLeaderLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    async def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    async def still_held(self) -> bool:
        return self._fd is not None

    async def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class PostgresAdvisoryLock:
    def __init__(self, dsn: str, key: int = ADVISORY_LOCK_KEY) -> None:
        self.dsn = dsn
        self.key = key
        self._connection = None

    async def try_acquire(self) -> bool:
        import asyncpg

        if self._connection is not None and await self.still_held():
            return True
        try:
            connection = await asyncpg.connect(self.dsn, timeout=10)
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            logger.warning("leader election: cannot connect: %s", exc)
            return False
        if await connection.fetchval("SELECT pg_try_advisory_lock($1)", self.key):
            self._connection = connection
            return True
        await connection.close()
        return False

    async def still_held(self) -> bool:
        if self._connection is None:
            return False
        try:
            await asyncio.wait_for(self._connection.fetchval("SELECT 1"), timeout=10)
            return True
        except Exception:  # the connection died: so did the lock
            self._connection.terminate()
            self._connection = None
            return False

    async def release(self) -> None:
        if self._connection is not None:
            try:
                await self._connection.execute("SELECT pg_advisory_unlock($1)", self.key)
                await self._connection.close()
            except Exception:
                self._connection.terminate()
            self._connection = None


def asyncpg_dsn(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(
        hide_password=False)


def leader_lock_for(database_url: str) -> LeaderLock:
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        return PostgresAdvisoryLock(asyncpg_dsn(database_url))
    if url.database in (None, "", ":memory:"):
        return AlwaysLeader()
    path = Path(url.database).expanduser().resolve()
    return FileLeaderLock(path.with_name(path.name + ".scheduler.lock"))
