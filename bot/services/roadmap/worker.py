"""What a roadmap reader process runs (isolation.py). Imported by the server process the
readers fork from, so every reader starts with python-docx, openpyxl and the parser loaded;
the bot's own process never imports this module."""

from __future__ import annotations

import os
import resource
import signal
from datetime import date
from multiprocessing.connection import Connection
from typing import Any

import docx  # noqa: F401  (preloaded for the readers)
import openpyxl  # noqa: F401

from .importer import parse_roadmap
from .limits import MB, Limits, RoadmapLimitError, check_result
from .readers import RoadmapFormatError


def _address_space() -> int | None:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return None


def _peak_address_space() -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


_budget: dict[str, int] = {}  # start and soft limit of the address space, when set


def _limit_myself(limits: Limits) -> None:
    os.nice(10)  # the bot's own process comes first
    start = _address_space()
    if start is not None:  # numpy/OpenBLAS are mapped already: the budget comes on top
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        soft = start + limits.memory_bytes
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        _budget.update(start=start, limit=soft)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    cpu = int(limits.seconds) + 2  # a backstop: the parent kills it at the wall limit
    resource.setrlimit(resource.RLIMIT_CPU, (cpu if hard == resource.RLIM_INFINITY
                                             else min(cpu, hard), hard))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the parent to handle


def _out_of_memory() -> bool:
    """The reader failed near the memory limit: lxml reports a failed allocation as a parse
    error ("unknown error"), not as MemoryError."""
    peak = _peak_address_space()
    return peak is not None and "limit" in _budget and peak > _budget["limit"] - 32 * MB


def _stats() -> dict[str, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    stats = {"max_rss_mb": usage.ru_maxrss / 1024,
             "cpu_seconds": usage.ru_utime + usage.ru_stime}
    peak = _peak_address_space()
    if peak is not None and "start" in _budget:
        stats["address_space_added_mb"] = (peak - _budget["start"]) / MB
    return stats


def main(conn: Connection, content: bytes, filename: str,
         period: tuple[date, date] | None, limits: Limits) -> None:
    result: tuple[str, Any]
    try:
        _limit_myself(limits)
        parsed = parse_roadmap(content, filename, period)
        check_result(parsed, limits)  # only what a roadmap can hold goes back to the bot
        result = ("ok", parsed)
    except MemoryError:
        result = ("error", RoadmapLimitError("memory", {"mb": limits.memory_bytes // MB}))
    except (RoadmapFormatError, ValueError) as exc:
        if _out_of_memory():
            result = ("error", RoadmapLimitError("memory", {"mb": limits.memory_bytes // MB}))
        else:
            result = ("error", exc if isinstance(exc, RoadmapFormatError)
                      else ValueError(str(exc)))
    except Exception as exc:  # a reader's bug must not look like a limit
        result = ("error", RoadmapFormatError(f"unreadable ({type(exc).__name__})"))
    try:
        conn.send((*result, _stats()))
    except MemoryError:
        conn.send(("error", RoadmapLimitError("memory", {"mb": limits.memory_bytes // MB}), {}))
    finally:
        conn.close()
