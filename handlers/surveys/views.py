"""Inline keyboards of a survey question: options, ticks, scale, Skip and Back."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks.onboarding import SurveyCallback
from bot.services.surveys import (
    MultiQuestion,
    Question,
    ScaleQuestion,
    SingleQuestion,
    message,
    option_text,
)


def question_keyboard(response_id: int, question: Question, locale: str, *, can_go_back: bool,
                      ticked: frozenset[str] = frozenset()) -> InlineKeyboardMarkup | None:
    # Buttons are collected in a plain list: InlineKeyboardBuilder deep-copies every button
    # on each add (quadratic), a measurable share of a questionnaire update's CPU time.
    buttons: list[InlineKeyboardButton] = []

    class _Builder:
        @staticmethod
        def button(text: str, callback_data: SurveyCallback) -> None:
            buttons.append(InlineKeyboardButton(text=text, callback_data=callback_data.pack()))

    builder = _Builder()

    def data(action: str, index: int = -1) -> SurveyCallback:
        return SurveyCallback(response_id=response_id, question=question.id, action=action, index=index)

    widths: list[int] = []
    if isinstance(question, SingleQuestion):
        for index, option in enumerate(question.options):
            builder.button(text=option_text(question, option.id, locale), callback_data=data("o", index))
        widths += [1] * len(question.options)
    elif isinstance(question, MultiQuestion):
        for index, option in enumerate(question.options):
            mark = "✅ " if option.id in ticked else ""
            builder.button(text=mark + option_text(question, option.id, locale),
                           callback_data=data("t", index))
        widths += [1] * len(question.options)
        builder.button(text=message("survey.button.done", locale), callback_data=data("d"))
        widths.append(1)
    elif isinstance(question, ScaleQuestion):
        values = list(range(question.min, question.max + 1))
        for value in values:
            builder.button(text=str(value), callback_data=data("o", value))
        per_row = 5 if len(values) > 6 else len(values)
        widths += [per_row] * (len(values) // per_row) + ([len(values) % per_row] if len(values) % per_row else [])
    navigation = 0
    if question.optional:
        builder.button(text=message("survey.button.skip", locale), callback_data=data("s"))
        navigation += 1
    if can_go_back:
        builder.button(text=message("survey.button.back", locale), callback_data=data("b"))
        navigation += 1
    if navigation:
        widths.append(navigation)
    if not widths:
        return None  # a typed answer with nothing to press
    rows, start = [], 0
    for width in widths:
        rows.append(buttons[start:start + width])
        start += width
    return InlineKeyboardMarkup(inline_keyboard=rows)
