"""The person behind the update and their language, for the handlers."""

from __future__ import annotations

from typing import Any

from aiogram.types import User as TelegramUser

from bot.config import Settings
from bot.i18n import Translator, pick_locale
from bot.services.people import users as user_service


async def put_user_context(data: dict[str, Any], settings: Settings,
                           translator: Translator) -> None:
    """Finds the account of the person behind the update and picks their language.

    Puts `user` (models.User or None for updates without a sender), `locale` and `t` (a bound
    translator) into the handler data."""
    telegram_user: TelegramUser | None = data.get("event_from_user")
    user = None
    if telegram_user is not None and not telegram_user.is_bot:
        prefetched = data.get("prefetched")
        user = prefetched.user if prefetched is not None else None
        if user is None:
            user = await user_service.get_or_create(data["session"], telegram_user.id,
                                                    known_absent=prefetched is not None)
    locale = pick_locale(
        user.locale if user else None,
        telegram_user.language_code if telegram_user else None,
        settings.default_locale,
    )
    data["user"] = user
    data["locale"] = locale
    data["t"] = translator.bind(locale)
    data["translator"] = translator
    data["settings"] = settings
