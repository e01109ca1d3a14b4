"""The machine's speed, measured beside a benchmark.

On this shared 2-core machine the CPU time a fixed piece of work takes changes from one
20-second phase to the next (bench.updates: the bench's own CPU per update, the same work in
every round of a bot, moves with the bot's by ±20 %). A ratio of two bots measured a minute
apart carries that change. The probe is a process of its own that does the same Python work
(dicts, strings, lists: what a bot's handling is made of) every PERIOD seconds and reports the
CPU time each took; a phase's CPU figure divided by the probe's median over that phase, times
the probe's median over the whole run, is the figure at the run's usual speed. It takes about
2 % of one core (2 ms of work every 0.1 s), the same for every bot measured.

The underscore keeps `python -m bench` from taking this module for a benchmark of its own."""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import sys
from typing import Any

PERIOD = 0.1

_CODE = f"""
import sys, time

def work():
    table = {{}}
    for number in range(4000):
        key = "update:" + str(number)
        table[key] = {{"id": number, "text": key.upper(), "items": [number, number * 2]}}
    return sum(len(value["items"]) for value in table.values() if value["text"])

while True:
    started = time.thread_time()
    work()
    spent = time.thread_time() - started
    sys.stdout.write(f"{{time.monotonic()}} {{spent}}\\n")
    sys.stdout.flush()
    time.sleep({PERIOD})
"""


class SpeedProbe:
    def __init__(self) -> None:
        self.samples: list[tuple[float, float]] = []  # (monotonic time, CPU seconds)
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None

    async def __aenter__(self) -> SpeedProbe:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _CODE, stdout=asyncio.subprocess.PIPE)
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc: Any) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.kill()
            await self._process.wait()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    async def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        async for line in self._process.stdout:
            at, spent = line.split()
            self.samples.append((float(at), float(spent)))

    def median_ms(self, start: float | None = None, end: float | None = None) -> float | None:
        """The probe's median CPU ms per piece of work between `start` and `end` (monotonic
        times), or over the whole run."""
        spent = [seconds for at, seconds in self.samples
                 if (start is None or at >= start) and (end is None or at <= end)]
        return round(statistics.median(spent) * 1000, 3) if spent else None
