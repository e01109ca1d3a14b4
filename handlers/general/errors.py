"""Errors: expected refusals get their translated answer; anything else a short apology.
The log gets the update id and the exception type, never texts or names."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent

from bot.config import Settings
from bot.i18n import BoundTranslator, Translator, pick_locale
from bot.services.errors import AccessDenied, DomainError

logger = logging.getLogger("mentorbot.errors")


def _sender(event: ErrorEvent):
    update = event.update
    if update.message:
        return update.message.from_user
    if update.callback_query:
        return update.callback_query.from_user
    return None


async def _reply(event: ErrorEvent, text: str, alert: bool = True) -> None:
    update = event.update
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=alert)
        elif update.message is not None and update.message.chat.type == "private":
            await update.message.answer(text)
    except Exception:  # the answer itself failed (network, blocked): nothing more to do
        logger.warning("could not answer update %s", update.update_id)


def create_router(settings: Settings, translator: Translator) -> Router:
    router = Router(name="errors")

    def translate(event: ErrorEvent, t: BoundTranslator | None, key: str, **params: object) -> str:
        if t is None:
            sender = _sender(event)
            t = translator.bind(pick_locale(None, sender.language_code if sender else None,
                                            settings.default_locale))
        return t(key, **params)

    @router.errors(ExceptionTypeFilter(DomainError))
    async def refused(event: ErrorEvent, t: BoundTranslator | None = None) -> bool:
        exc = event.exception
        assert isinstance(exc, DomainError)
        if isinstance(exc, AccessDenied):
            sender = _sender(event)
            logger.warning("access refused (%s): update %s, user %s", exc.key,
                           event.update.update_id, sender.id if sender else None)
        await _reply(event, translate(event, t, exc.key, **exc.params), exc.alert)
        return True

    @router.errors()
    async def failed(event: ErrorEvent, t: BoundTranslator | None = None) -> bool:
        logger.error("update %s failed: %s", event.update.update_id,
                     type(event.exception).__name__, exc_info=event.exception)
        await _reply(event, translate(event, t, "error.generic"))
        return True

    return router
