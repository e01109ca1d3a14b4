"""Buttons of the programme life cycle on the curator's programme card and the letters picker."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks_lifecycle import LetterPickCallback, LifecycleCardCallback
from bot.i18n import BoundTranslator
from bot.services.letters_flow import MentorChoice
from bot.services.lifecycle import midterm_date
from models import Programme


def card_rows(t: BoundTranslator, programme: Programme) -> list[list[InlineKeyboardButton]]:
    def button(action: str, text: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(text=text, callback_data=LifecycleCardCallback(
            action=action, programme_id=programme.id).pack())

    if programme.state == "completed":
        return [[button("let", t("lifecycle.card.letters")),
                 button("new", t("lifecycle.card.next_cycle"))]]
    return [[button("mid", t("lifecycle.card.midterm",
                             date=midterm_date(programme).strftime("%d.%m.%Y")))]]


def letters_picker(t: BoundTranslator, programme_id: int, found: Sequence[MentorChoice],
                   chosen: Collection[int]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for mentor in found:
        mark = "✅" if mentor.participation_id in chosen else "▫️"
        builder.button(text=f"{mark} {mentor.name}"[:60], callback_data=LetterPickCallback(
            action="t", programme_id=programme_id, participation=mentor.participation_id))
    builder.button(text=t("lifecycle.letters.send", count=len(chosen), n=len(chosen)),
                   callback_data=LetterPickCallback(action="go", programme_id=programme_id))
    builder.adjust(1)
    return builder.as_markup()
