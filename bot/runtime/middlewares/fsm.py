"""The conversation state read inside the update's own session.

aiogram's FSMContextMiddleware takes the per-user lock and reads the state at once, before any
later middleware runs: with the database storage that read needed a session and a transaction of
its own, opened and closed before the update's (two transactions and two reads of the same
record per update). Here the lock is taken where aiogram takes it (outside the update's session,
so the commit happens while the lock is still held), and the state is read by `read_state`,
called inside the update's session (bot/runtime/middlewares/update.py): through that session,
whose cache then serves every later get_state/get_data of the update."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.types import TelegramObject


class LockingFSMContextMiddleware(FSMContextMiddleware):
    """aiogram's FSM middleware without its early state read (StateReadMiddleware does it)."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        context = self.resolve_event_context(cast(Bot, data["bot"]), data)
        data["fsm_storage"] = self.storage
        if context:
            async with self.events_isolation.lock(key=context.key):
                data["state"] = context
                return await handler(event, data)
        return await handler(event, data)


async def read_state(data: dict[str, Any]) -> None:
    """Puts `raw_state` (what state filters look at) into the handler data."""
    context: FSMContext | None = data.get("state")
    if context is not None:
        data["raw_state"] = await context.get_state()
