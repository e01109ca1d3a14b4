"""Keyboards of personal settings (language, time zone)."""

from __future__ import annotations

from functools import cache

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks.onboarding import LanguageCallback, TimezoneCallback
from bot.config import SUPPORTED_LOCALES
from bot.i18n import BoundTranslator
from bot.services.people.timezones import RUSSIAN_ZONES


def language_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in SUPPORTED_LOCALES:
        builder.button(text=t.plain(f"language.name.{code}"), callback_data=LanguageCallback(code=code))
    return builder.as_markup()


@cache  # the same for everyone; building it is not free (the builder deep-copies)
def timezone_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for zone, label in RUSSIAN_ZONES:
        builder.button(text=label, callback_data=TimezoneCallback(zone=zone))
    builder.adjust(2)
    return builder.as_markup()
