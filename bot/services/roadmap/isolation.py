"""Roadmap files are read in a worker process, never in the bot's.

Reading a Word or Excel file is work in Python and C that holds the interpreter: in the bot's
process a big file froze everybody's updates for 10-48 s. Here each file is read by a fresh
process forked from a small server process that imported the readers once (multiprocessing's
"forkserver": a clean process without the bot's threads, connections and memory, started in a
few milliseconds; the server itself starts with the first file, ~1 s, and ends with the bot).
The reader (worker.py):

- runs at a lower priority than the bot (nice 10);
- may add `Limits.memory_bytes` of address space to what it starts with (RLIMIT_AS: numpy and
  OpenBLAS, which openpyxl imports, are mapped before the limit is set), and has CPU time just
  above the wall limit (RLIMIT_CPU) as a backstop;
- is killed when it takes longer than `Limits.seconds`.

The size limits (limits.py) are checked inside it too, before a reader opens the file. At most
`CONCURRENT` files are read at once (a pool of waiting threads, created with the first file and
shut down with the application); the rest wait their turn. Errors come back as RoadmapFormatError
(RoadmapLimitError for a limit)."""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from .limits import DEFAULT_LIMITS, MB, Limits, RoadmapLimitError
from .models import RoadmapParse
from .readers import RoadmapFormatError

if TYPE_CHECKING:
    from multiprocessing.context import ForkServerContext, SpawnContext

CONCURRENT = 2
WORKER_MODULE = "bot.services.roadmap.worker"

_lock = threading.Lock()
_context: ForkServerContext | SpawnContext | None = None
_threads: ThreadPoolExecutor | None = None
_running: set[Any] = set()


def _mp_context() -> ForkServerContext | SpawnContext:
    global _context
    with _lock:
        if _context is None:
            context: ForkServerContext | SpawnContext
            try:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload([WORKER_MODULE])
            except ValueError:  # no forkserver on this platform
                context = multiprocessing.get_context("spawn")
            _context = context
        return _context


def _child(conn: Connection, content: bytes, filename: str,
           period: tuple[date, date] | None, limits: Limits) -> None:
    from . import worker  # preloaded in the server process: no import cost here

    worker.main(conn, content, filename, period, limits)


def parse_isolated_sync(content: bytes, filename: str, period: tuple[date, date] | None = None,
                        limits: Limits = DEFAULT_LIMITS,
                        stats: dict[str, float] | None = None) -> RoadmapParse:
    """Read the file in a worker process; blocks the calling thread (not the GIL). `stats`
    receives the worker's peak memory and CPU time (for the benchmark)."""
    context = _mp_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, name="roadmap-reader", daemon=True,
                              args=(sender, content, filename, period, limits))
    process.start()
    sender.close()
    with _lock:
        _running.add(process)
    try:
        if not receiver.poll(limits.seconds):
            raise RoadmapLimitError("time", {"seconds": int(limits.seconds)})
        try:
            status, value, measured = receiver.recv()
        except EOFError:  # died without an answer: killed by a limit of the kernel
            process.join(5)
            if process.exitcode == -signal.SIGXCPU:
                raise RoadmapLimitError("time", {"seconds": int(limits.seconds)}) from None
            raise RoadmapLimitError("memory", {"mb": limits.memory_bytes // MB}) from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receiver.close()
        with _lock:
            _running.discard(process)
    if stats is not None:
        stats.update(measured)
    if status == "ok":
        parse: RoadmapParse = value  # what the worker sends with "ok"
        return parse
    if isinstance(value, BaseException):
        raise value
    raise RoadmapFormatError(str(value))


async def parse_isolated(content: bytes, filename: str, period: tuple[date, date] | None = None,
                         limits: Limits = DEFAULT_LIMITS) -> RoadmapParse:
    """Read the file in a worker process; the event loop goes on meanwhile."""
    global _threads
    with _lock:
        if _threads is None:
            _threads = ThreadPoolExecutor(CONCURRENT, thread_name_prefix="roadmap-reader")
        threads = _threads
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(threads, parse_isolated_sync, content, filename, period,
                                      limits)


def shutdown() -> None:
    """Stop the readers of files still being read and the waiting threads (the application
    closes); the next file starts them again."""
    global _threads
    with _lock:
        threads, _threads = _threads, None
        running = list(_running)
    for process in running:
        if process.is_alive():
            process.kill()
    if threads is not None:
        threads.shutdown(wait=False, cancel_futures=True)
