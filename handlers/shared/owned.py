"""What a pressed button names, loaded and checked once before its handler runs.

A handler registered with `flags=owned(name, load)` gets `name` as a keyword argument: `load`
(session, user, callback data) returns the object the button names if the presser may act on it,
and raises AccessDenied (or another DomainError) otherwise, which the errors router answers
(translated) and logs (ids only). The router needs `pressed_objects(router)` once; the check then
runs only for the handler a press matched, after the router's guards. So the repeated "load the
programme, check the curator owns it, refuse if not" at the top of each action is written once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Router
from aiogram.dispatcher.flags import get_flag
from aiogram.types import TelegramObject

from bot.db import AsyncSession
from bot.services.errors import AccessDenied
from bot.services.people import access
from models import Programme, User

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
Loader = Callable[[AsyncSession, User, Any], Awaitable[object]]
FLAG = "owned"


def owned(name: str, load: Loader) -> dict[str, Any]:
    """The handler's flags: load `name` from the pressed button's callback data."""
    return {FLAG: (name, load)}


async def curated_programme(session: AsyncSession, user: User, callback_data: Any) -> Programme:
    """The button's programme (`programme_id`), if the presser curates it."""
    return await access.require_curator(session, user.id, callback_data.programme_id)


class LoadOwned(BaseMiddleware):
    """Runs for the handler a press matched: loads what its `owned` flag names."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        flag = get_flag(data, FLAG)
        if flag is not None:
            name, load = flag
            user: User | None = data.get("user")
            callback_data = data.get("callback_data")
            if user is None or callback_data is None:
                raise AccessDenied()
            data[name] = await load(data["session"], user, callback_data)
        return await handler(event, data)


def pressed_objects(router: Router) -> Router:
    """Let the router's button handlers use `owned` flags."""
    router.callback_query.middleware(LoadOwned())
    return router
