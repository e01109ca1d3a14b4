"""The opening most curator commands share: which of the curator's programmes it is about.
None: say so; one: go straight on with it; several: one button per programme, the button's
handler checks the id again (access.require_curator)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import BoundTranslator
from bot.services.people import access
from models import Programme, User

ButtonOf = Callable[[int], CallbackData]  # programme id -> the button's callback data


def programme_buttons(found: list[Programme], button: ButtonOf) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for programme in found:
        builder.button(text=programme.title[:60], callback_data=button(programme.id))
    builder.adjust(1)
    return builder.as_markup()


async def for_curated_programme(message: Message, session: AsyncSession, user: User,
                                t: BoundTranslator, *, choose: str, button: ButtonOf,
                                one: Callable[[Programme], Awaitable[object]]) -> None:
    found = await access.curated_programmes(session, user.id)
    if not found:
        await message.answer(t("cur.no_programmes"))
    elif len(found) == 1:
        await one(found[0])
    else:
        await message.answer(t(choose), reply_markup=programme_buttons(found, button))
