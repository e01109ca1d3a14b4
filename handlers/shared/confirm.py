"""The confirmation of an action that cannot be undone (docs/programme-states.md, «Actions that
ask first»): the question says what will happen, with the numbers; «yes» does it once (a second
tap, a forged or stale press gets the service's refusal), «cancel» changes nothing."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import BoundTranslator


def keyboard(t: BoundTranslator, yes_key: str, yes: CallbackData, keep: CallbackData
             ) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain(yes_key), callback_data=yes)
    builder.button(text=t.plain("confirm.keep"), callback_data=keep)
    builder.adjust(1)
    return builder.as_markup()


async def kept(message: Message, t: BoundTranslator) -> None:
    """«Cancel» pressed: the question becomes «cancelled, nothing changed», without buttons."""
    await message.edit_text(t("confirm.kept"), reply_markup=None)
