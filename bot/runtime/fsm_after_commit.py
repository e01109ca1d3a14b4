"""Conversation state in Redis that changes together with the database, not before it.

Redis writes are immediate, the update's database transaction commits only after the handler.
If an instance dies in between (or the handler fails), the database change is gone but the
state change is not: on redelivery the conversation is already past the step whose data was
lost (a typed time zone answered "not understood", the zone never saved). So while an update
is handled, state and data writes are kept aside (reads see them) and applied to Redis right
after the commit; a failed or interrupted update applies none. The database storage needs
none of this: it writes through the update's own session."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, StateType, StorageKey

_MISSING = object()


class PendingWrites:
    """The state/data writes of one update, in order, until its commit; and other work that
    must wait for the commit (`after`: shredding the write-ahead log after an erasure)."""

    def __init__(self) -> None:
        self._writes: list[tuple[BaseStorage, StorageKey, str, Any]] = []
        self._after: list[Callable[[], Awaitable[object]]] = []

    def after(self, action: Callable[[], Awaitable[object]]) -> None:
        self._after.append(action)

    def add(self, storage: BaseStorage, key: StorageKey, field: str, value: Any) -> None:
        self._writes.append((storage, key, field, value))

    def __bool__(self) -> bool:
        return bool(self._writes or self._after)

    def latest(self, storage: BaseStorage, key: StorageKey, field: str) -> Any:
        for owner, k, f, value in reversed(self._writes):
            if owner is storage and k == key and f == field:
                return value
        return _MISSING

    async def apply(self) -> None:
        writes, self._writes = self._writes, []
        for storage, key, field, value in writes:
            if field == "state":
                await storage.set_state(key, value)
            else:
                await storage.set_data(key, value)
        actions, self._after = self._after, []
        for action in actions:
            await action()


pending_writes: ContextVar[PendingWrites | None] = ContextVar("fsm_pending_writes", default=None)


class AfterCommitStorage(BaseStorage):
    """Wraps a storage (Redis) so writes made while an update is handled wait for its commit."""

    def __init__(self, inner: BaseStorage) -> None:
        self.inner = inner

    @property
    def redis(self) -> Any:  # the health check pings it
        return getattr(self.inner, "redis", None)

    def create_isolation(self, **kwargs: Any) -> BaseEventIsolation:
        return self.inner.create_isolation(**kwargs)  # type: ignore[attr-defined]

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        pending = pending_writes.get()
        if pending is None:
            await self.inner.set_state(key, value)
        else:
            pending.add(self.inner, key, "state", value)

    async def get_state(self, key: StorageKey) -> str | None:
        pending = pending_writes.get()
        if pending is not None:
            value = pending.latest(self.inner, key, "state")
            if value is not _MISSING:
                return value
        return await self.inner.get_state(key)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        pending = pending_writes.get()
        if pending is None:
            await self.inner.set_data(key, data)
        else:
            pending.add(self.inner, key, "data", copy.deepcopy(dict(data)))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        pending = pending_writes.get()
        if pending is not None:
            value = pending.latest(self.inner, key, "data")
            if value is not _MISSING:
                return copy.deepcopy(value)
        return await self.inner.get_data(key)

    async def close(self) -> None:
        await self.inner.close()
