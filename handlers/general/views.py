"""Keyboards of personal settings (language, time zone)."""

from __future__ import annotations

from functools import cache

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks.onboarding import ForgetCallback, LanguageCallback, TimezoneCallback
from bot.config import SUPPORTED_LOCALES
from bot.i18n import BoundTranslator, Translator
from bot.services.people.timezones import RUSSIAN_ZONES


def language_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in SUPPORTED_LOCALES:
        # Each language by its own name, from its own catalogue: a new one needs no new key.
        builder.button(text=t.translator.plain("language.name", code),
                       callback_data=LanguageCallback(code=code))
    return builder.as_markup()


def timezone_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return _timezone_keyboard(t.translator, t.locale)


@cache  # the same for everyone of a language; building it is not free (the builder deep-copies)
def _timezone_keyboard(translator: Translator, locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for zone, _ in RUSSIAN_ZONES:
        builder.button(text=translator.plain(f"timezone.zone.{zone}", locale),
                       callback_data=TimezoneCallback(zone=zone))
    builder.adjust(2)
    return builder.as_markup()


def forget_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("forget.confirm"), callback_data=ForgetCallback(confirm=True))
    builder.button(text=t.plain("forget.keep"), callback_data=ForgetCallback(confirm=False))
    builder.adjust(1)
    return builder.as_markup()
