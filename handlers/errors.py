"""The one error handler: a short apology to the person, the details to the log."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.types import ErrorEvent

from bot.config import Settings
from bot.i18n import Translator, pick_locale

logger = logging.getLogger("mentorbot.errors")


def create_router(settings: Settings, translator: Translator) -> Router:
    router = Router(name="errors")

    @router.errors()
    async def on_error(event: ErrorEvent, locale: str | None = None) -> bool:
        update = event.update
        # Only the update id and the exception: never message texts or names.
        logger.error("update %s failed: %s", update.update_id, type(event.exception).__name__,
                     exc_info=event.exception)
        message = update.message or (update.callback_query.message if update.callback_query else None)
        sender = update.message.from_user if update.message else (
            update.callback_query.from_user if update.callback_query else None)
        # `locale` is there when the failure came after the user middleware picked it.
        locale = locale or pick_locale(None, sender.language_code if sender else None,
                                       settings.default_locale)
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(translator.get("error.generic", locale),
                                                   show_alert=True)
            elif message is not None and message.chat.type == "private":
                await message.answer(translator.get("error.generic", locale))
        except Exception:  # the apology itself failed (network, blocked): nothing more to do
            logger.warning("could not deliver the apology for update %s", update.update_id)
        return True

    return router
