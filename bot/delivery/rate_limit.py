"""Pacing of outgoing messages under Telegram's limits, with a safety margin.

- global: grants spaced evenly at `global_per_second` x (1 - margin), no bursts, so a server
  counting a sliding one-second window never sees more than the limit;
- per chat: the next send to a chat starts at least one interval after the previous send to it
  *finished* (1/s for private chats, 20/min for groups), which holds however long the request
  took on the wire;
- a 429 pauses every sender for `retry_after`;
- `shared_chat_wait` (the Bot's send budget, bot/telegram/budget.py) adds the chat's pace counted
  over every message to it, the handlers' replies included. The budget also holds the whole
  bot, replies and outbox together, to SEND_PER_SECOND, replies first.

Times come from an injectable monotonic clock and sleep, so tests can run it without waiting."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from bot.telegram.chat_pace import DEFAULT_MARGIN, ChatPace


class RateLimiter:
    def __init__(
        self,
        global_per_second: float = 25.0,
        private_per_second: float = 1.0,
        group_per_minute: float = 20.0,
        margin: float = DEFAULT_MARGIN,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        shared_chat_wait: Callable[[int], float] | None = None,
    ) -> None:
        self.global_interval = 1.0 / (global_per_second * (1.0 - margin))
        self.pace = ChatPace.of(private_per_second, group_per_minute, margin)
        # A timer that wakes a little late may take its slot from the past, up to this much.
        self._tolerance = min(0.005, self.global_interval * 0.25)
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_global = 0.0
        self._paused_until = 0.0
        self._chat_ready: dict[int, float] = {}
        self._global_lock = asyncio.Lock()
        self._shared_chat_wait = shared_chat_wait
        self.pauses = 0

    def pause(self, seconds: float) -> None:
        """Flood control hit: nobody sends until `seconds` from now."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self._monotonic())

    def chat_wait(self, chat_id: int) -> float:
        own = self._chat_ready.get(chat_id, 0.0) - self._monotonic()
        shared = self._shared_chat_wait(chat_id) if self._shared_chat_wait else 0.0
        return max(0.0, own, shared)

    async def wait_chat(self, chat_id: int) -> None:
        """Wait for the chat's own pace (and a flood-control pause), not for a global slot."""
        while (wait := max(self.chat_wait(chat_id), self.paused_for)) > 0:
            await self._sleep(wait)

    async def acquire(self, chat_id: int) -> None:
        """Wait until a message to `chat_id` may start."""
        await self.wait_chat(chat_id)
        async with self._global_lock:
            while True:
                now = self._monotonic()
                wait = max(self._next_global - now, self._paused_until - now)
                if wait <= 0:
                    break
                await self._sleep(wait)
            self._next_global = max(now - self._tolerance, self._next_global) + \
                self.global_interval

    def done(self, chat_id: int) -> None:
        """The request to `chat_id` returned: the chat's next slot is one interval later."""
        self._chat_ready[chat_id] = self._monotonic() + self.pace.interval_for(chat_id)
        if len(self._chat_ready) > 50_000:
            now = self._monotonic()
            self._chat_ready = {c: t for c, t in self._chat_ready.items() if t > now}
