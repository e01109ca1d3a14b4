from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser

from bot.config import Settings
from bot.i18n import Translator, pick_locale
from bot.services.people import users as user_service


class UserContextMiddleware(BaseMiddleware):
    """Finds the account of the person behind the update and picks their language.

    Puts `user` (models.User or None for updates without a sender), `locale` and `t` (a bound
    translator) into the handler data."""

    def __init__(self, settings: Settings, translator: Translator) -> None:
        self.settings = settings
        self.translator = translator

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        telegram_user: TelegramUser | None = data.get("event_from_user")
        user = None
        if telegram_user is not None and not telegram_user.is_bot:
            prefetched = data.get("prefetched")
            user = prefetched.user if prefetched is not None else None
            if user is None:
                user = await user_service.get_or_create(data["session"], telegram_user.id)
        locale = pick_locale(
            user.locale if user else None,
            telegram_user.language_code if telegram_user else None,
            self.settings.default_locale,
        )
        data["user"] = user
        data["locale"] = locale
        data["t"] = self.translator.bind(locale)
        data["translator"] = self.translator
        data["settings"] = self.settings
        return await handler(event, data)
