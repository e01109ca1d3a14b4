"""The update queue behind getUpdates and webhooks, with getUpdates' offset semantics."""

from __future__ import annotations

import asyncio
from typing import Any

# Telegram's default when allowed_updates was never specified (or set to []).
DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class Signal:
    """Wake every current waiter; callable from sync code (no lock to hold)."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait(self, seconds: float | None) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait({waiter}, timeout=seconds)
        finally:
            self._waiters.discard(waiter)


class UpdateQueue:
    def __init__(self, first_update_id: int = 1) -> None:
        self._next_id = first_update_id
        self.pending: list[dict[str, Any]] = []
        # Ids of every update handed to the bot (for tests that wait until each one is handled).
        self.accepted_ids: list[int] = []
        # Every accepted update by id, so a test can deliver one again (as Telegram may).
        self.history: dict[int, dict[str, Any]] = {}
        self.allowed_updates: list[str] | None = None
        self.signal = Signal()

    def allows(self, kind: str) -> bool:
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in DEFAULT_EXCLUDED

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update_id = self._next_id
        update: dict[str, Any] = {"update_id": update_id, kind: payload}
        self._next_id += 1
        # Telegram does not even create updates of types the bot opted out of.
        if self.allows(kind):
            self.pending.append(update)
            self.accepted_ids.append(update_id)
            self.history[update_id] = update
            self.signal.notify()
        return update

    def set_allowed(self, allowed: list[str] | None) -> None:
        if allowed is None:
            return
        self.allowed_updates = list(allowed)
        kept = [update for update in self.pending if self.allows(_kind(update))]
        dropped = {u["update_id"] for u in self.pending} - {u["update_id"] for u in kept}
        self.accepted_ids = [i for i in self.accepted_ids if i not in dropped]
        self.pending = kept

    def confirm(self, offset: int) -> None:
        """getUpdates offset semantics: positive confirms ids < offset, negative keeps the tail."""
        if offset > 0:
            self.pending = [update for update in self.pending if update["update_id"] >= offset]
        elif offset < 0:
            self.pending = self.pending[offset:]

    def peek(self, limit: int) -> list[dict[str, Any]]:
        return self.pending[:limit]

    def remove(self, update_id: int) -> None:
        self.pending = [update for update in self.pending if update["update_id"] != update_id]

    def drop_all(self) -> None:
        self.pending.clear()


def _kind(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")
