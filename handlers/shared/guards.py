"""Router guards for the curator's and the owner's routers (`curator_router()` builds a guarded
one): one refusal per kind, raised as a DomainError so the errors router answers it (translated)
and logs it (ids only).

A command from the wrong role gets "only for curators/the owner"; a button gets the plain
AccessDenied, which never says what exists."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, F, Router
from aiogram.types import Message, TelegramObject
from aiogram.types import User as TelegramUser

from bot.services.errors import AccessDenied, CuratorCommandOnly, OwnerCommandOnly
from bot.services.people import access
from models import User

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def _refusal(event: TelegramObject, for_messages: type[AccessDenied]) -> AccessDenied:
    return for_messages() if isinstance(event, Message) else AccessDenied()


class CuratorGuard(BaseMiddleware):
    """Runs only for updates a handler of the router matched; refuses anyone who curates no
    organisation. Handlers still check each programme id they are given."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("user")
        if user is None or not await access.is_curator(data["session"], user.id):
            raise _refusal(event, CuratorCommandOnly)
        return await handler(event, data)


class OwnerGuard(BaseMiddleware):
    """Runs only for updates a handler of the router matched; refuses non-owners."""

    def __init__(self, admin_ids: frozenset[int]) -> None:
        self.admin_ids = admin_ids

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        sender: TelegramUser | None = data.get("event_from_user")
        if sender is None or sender.id not in self.admin_ids:
            raise _refusal(event, OwnerCommandOnly)
        return await handler(event, data)


def curator_router(name: str) -> Router:
    """A router for curators' private chats, guarded once for every handler in it."""
    router = Router(name=name)
    router.message.filter(F.chat.type == "private")
    router.message.middleware(CuratorGuard())  # a command: "only for curators"
    router.callback_query.middleware(CuratorGuard())  # a button: the plain refusal
    return router
