"""Buttons of the programme life cycle on the curator's programme card and the letters picker."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks.lifecycle import LetterPickCallback, LifecycleCardCallback, PracticeCallback
from bot.i18n import BoundTranslator
from bot.services.lifecycle.completion import final_surveys_date
from bot.services.lifecycle.letters import MentorChoice
from bot.services.lifecycle.monitoring_surveys import midterm_date
from bot.services.lifecycle.practices import Practice
from models import Programme


def card_rows(t: BoundTranslator, programme: Programme) -> list[list[InlineKeyboardButton]]:
    def button(action: str, text: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(text=text, callback_data=LifecycleCardCallback(
            action=action, programme_id=programme.id).pack())

    if programme.state == "completed":
        return [[button("let", t.plain("lifecycle.card.letters")),
                 button("new", t.plain("lifecycle.card.next_cycle"))],
                *completion_rows(t, programme.id)]
    when = final_surveys_date(programme)
    final = (t.plain("completion.card.button", date=when.strftime("%d.%m.%Y")) if when
             else t.plain("completion.card.button_off"))
    return [[button("mid", t.plain("lifecycle.card.midterm",
                             date=midterm_date(programme).strftime("%d.%m.%Y")))],
            [button("fin", final)],
            *completion_rows(t, programme.id)]


def completion_rows(t: BoundTranslator, programme_id: int) -> list[list[InlineKeyboardButton]]:
    """The base of good practices and the curator's questionnaire about the conditions: on the
    programme card and under the monitoring chart."""
    return [[
        InlineKeyboardButton(text=t.plain("practices.button.list"), callback_data=PracticeCallback(
            action="l", programme_id=programme_id).pack()),
        InlineKeyboardButton(text=t.plain("practices.button.conditions"),
                             callback_data=LifecycleCardCallback(
                                 action="cond", programme_id=programme_id).pack())]]


def practices_page(t: BoundTranslator, programme_id: int, shown: Sequence[Practice],
                   first_number: int, page: int, pages: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for number, practice in enumerate(shown, start=first_number):
        key = "practices.button.unmark" if practice.marked else "practices.button.mark"
        builder.button(text=t.plain(key, number=number), callback_data=PracticeCallback(
            action="t", programme_id=programme_id, page=page, response=practice.response_id))
    sizes = [1] * len(shown)
    if pages > 1:
        if page > 0:
            builder.button(text="‹", callback_data=PracticeCallback(
                action="p", programme_id=programme_id, page=page - 1))
        if page < pages - 1:
            builder.button(text="›", callback_data=PracticeCallback(
                action="p", programme_id=programme_id, page=page + 1))
        sizes.append(2)
    builder.adjust(*sizes)
    return builder.as_markup()


def letters_picker(t: BoundTranslator, programme_id: int, found: Sequence[MentorChoice],
                   chosen: Collection[int]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for mentor in found:
        mark = "✅" if mentor.participation_id in chosen else "▫️"
        builder.button(text=f"{mark} {mentor.name}"[:60], callback_data=LetterPickCallback(
            action="t", programme_id=programme_id, participation=mentor.participation_id))
    builder.button(text=t.plain("lifecycle.letters.send", count=len(chosen), n=len(chosen)),
                   callback_data=LetterPickCallback(action="go", programme_id=programme_id))
    builder.adjust(1)
    return builder.as_markup()
