"""CallbackData factories: short prefixes and ids only (Telegram allows 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LanguageCallback(CallbackData, prefix="lang"):
    code: str


class TimezoneCallback(CallbackData, prefix="tz"):
    zone: str
