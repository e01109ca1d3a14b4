"""Telegram-like flood limits over message-sending methods (sliding windows)."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from bot.emulator.models import ApiError


@dataclass(frozen=True)
class RateLimits:
    global_per_second: int = 30
    private_per_second: float = 1.0
    group_per_minute: int = 20


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


class RateLimiter:
    """Checks a send before it happens and records it once it succeeded."""

    def __init__(self, limits: RateLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._global: deque[float] = deque()
        self._per_chat: dict[int, deque[float]] = {}

    def check(self, chat_id: int) -> None:
        """Raise a 429 ApiError if one more send to chat_id would exceed a window."""
        now = self._clock()
        waits = [
            self._wait(self._global, 1.0, self.limits.global_per_second, now),
            self._chat_wait(chat_id, now),
        ]
        wait = max(waits)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))

    def record(self, chat_id: int) -> None:
        now = self._clock()
        self._global.append(now)
        self._per_chat.setdefault(chat_id, deque()).append(now)

    def _chat_wait(self, chat_id: int, now: float) -> float:
        sends = self._per_chat.get(chat_id)
        if not sends:
            return 0.0
        if chat_id > 0:
            return self._wait(sends, 1.0 / self.limits.private_per_second, 1, now)
        return self._wait(sends, 60.0, self.limits.group_per_minute, now)

    @staticmethod
    def _wait(sends: deque[float], window: float, allowed: int, now: float) -> float:
        """Seconds until fewer than `allowed` sends remain inside the window."""
        while sends and sends[0] <= now - window:
            sends.popleft()
        if len(sends) < allowed:
            return 0.0
        return sends[-allowed] + window - now
