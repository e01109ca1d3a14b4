"""A clock the pacing tests move by hand: `monotonic` and `sleep` for the outbox's rate limiter
(bot/delivery/rate_limit.py) and the send budget (bot/telegram/budget.py)."""

from __future__ import annotations

import asyncio


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)  # the waiters granted so far run first, as with a real sleep
        self.now += seconds
