"""A typed answer read by a service's parser (a date, a deadline): what the parser refuses gets
its translated reason, and the step stays where it is."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from aiogram.types import InlineKeyboardMarkup, Message

from bot.i18n import BoundTranslator
from bot.services.errors import DomainError

T = TypeVar("T")


async def read_typed(message: Message, t: BoundTranslator, parse: Callable[[str | None], T], *,
                     again: str | None = None,
                     reply_markup: InlineKeyboardMarkup | None = None) -> T | None:
    """`parse(message.text)`; on a DomainError the person reads why (and the question `again`,
    if given, with `reply_markup`) and None is returned."""
    try:
        return parse(message.text)
    except DomainError as exc:
        text = t.with_params(exc.key, exc.params)
        await message.answer(text + "\n" + t(again) if again else text, reply_markup=reply_markup)
        return None
