"""The weekday and time pickers of the digests (a programme's, a region's): one keyboard each,
the caller says what a press sends."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import BoundTranslator


def weekday_picker(t: BoundTranslator, days: Iterable[int], press: Callable[[int], CallbackData],
                   *, per_row: int) -> InlineKeyboardMarkup:
    """A button per weekday (0 = Monday), named from the catalogue (`digest.day.N`)."""
    builder = InlineKeyboardBuilder()
    for day in days:
        builder.button(text=t.plain(f"digest.day.{day}"), callback_data=press(day))
    builder.adjust(per_row)
    return builder.as_markup()


def time_picker(times: Iterable[str], press: Callable[[int], CallbackData]) -> InlineKeyboardMarkup:
    """A button per time of day («09:00»), three to a row; a press sends the time's index."""
    builder = InlineKeyboardBuilder()
    for slot, at in enumerate(times):
        builder.button(text=at, callback_data=press(slot))
    builder.adjust(3)
    return builder.as_markup()
