"""Inline keyboards of a survey question: options, ticks, scale, Skip and Back."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks.onboarding import SurveyAction, survey_data
from bot.i18n import BoundTranslator
from bot.services.surveys import (
    MultiQuestion,
    Question,
    ScaleQuestion,
    SingleQuestion,
    option_text,
)
from bot.telegram.tuning import callback_button


def question_keyboard(response_id: int, question: Question, t: BoundTranslator, *, can_go_back: bool,
                      ticked: frozenset[str] = frozenset()) -> InlineKeyboardMarkup | None:
    # Buttons are collected in a plain list: InlineKeyboardBuilder deep-copies every button
    # on each add (quadratic), a measurable share of a questionnaire update's CPU time.
    # (A function, not a class made on every call: that cost as much as a button.)
    buttons: list[InlineKeyboardButton] = []

    def button(text: str, callback_data: str) -> None:
        buttons.append(callback_button(text, callback_data))

    def data(action: SurveyAction, index: int = -1) -> str:
        return survey_data(response_id, question.id, action, index)

    widths: list[int] = []
    if isinstance(question, SingleQuestion):
        for index, option in enumerate(question.options):
            button(text=option_text(question, option.id, t.plain), callback_data=data(SurveyAction.OPTION, index))
        widths += [1] * len(question.options)
    elif isinstance(question, MultiQuestion):
        for index, option in enumerate(question.options):
            mark = "✅ " if option.id in ticked else ""
            button(text=mark + option_text(question, option.id, t.plain),
                           callback_data=data(SurveyAction.TOGGLE, index))
        widths += [1] * len(question.options)
        button(text=t.plain("survey.button.done"), callback_data=data(SurveyAction.DONE))
        widths.append(1)
    elif isinstance(question, ScaleQuestion):
        values = list(range(question.min, question.max + 1))
        for value in values:
            button(text=str(value), callback_data=data(SurveyAction.OPTION, value))
        per_row = 5 if len(values) > 6 else len(values)
        widths += [per_row] * (len(values) // per_row) + ([len(values) % per_row] if len(values) % per_row else [])
    navigation = 0
    if question.optional:
        button(text=t.plain("survey.button.skip"), callback_data=data(SurveyAction.SKIP))
        navigation += 1
    if can_go_back:
        button(text=t.plain("survey.button.back"), callback_data=data(SurveyAction.BACK))
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
