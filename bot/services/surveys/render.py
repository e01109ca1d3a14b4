"""Plain-text rendering of questions, answers and errors (no HTML/Markdown).

The Telegram layer decides on markup and keyboards; these helpers only
produce localised strings.
"""

from __future__ import annotations

from datetime import date

from .flow import Answers, progress, visible_questions
from .messages import message, normalise_locale
from .models import (
    DateQuestion,
    MultiQuestion,
    NumberQuestion,
    Question,
    ScaleQuestion,
    SingleQuestion,
    Survey,
    TextQuestion,
)
from .validation import AnswerValue, Invalid


def render_text(question: Question, locale: str | None) -> str:
    return question.text.get(normalise_locale(locale))


def render_hint(question: Question, locale: str | None) -> str:
    """The definition's own hint, or a generic one describing the expected input."""
    loc = normalise_locale(locale)
    if question.hint is not None:
        return question.hint.get(loc)
    match question:
        case SingleQuestion():
            return message("survey.hint.single", loc)
        case MultiQuestion() if question.min == 1 and question.max_choices == len(question.options):
            return message("survey.hint.multi_any", loc)
        case MultiQuestion():
            return message("survey.hint.multi", loc, min=question.min, max=question.max_choices)
        case ScaleQuestion() if question.min_label and question.max_label:
            return message(
                "survey.hint.scale_labels",
                loc,
                min=question.min,
                max=question.max,
                min_label=question.min_label.get(loc),
                max_label=question.max_label.get(loc),
            )
        case ScaleQuestion():
            return message("survey.hint.scale", loc, min=question.min, max=question.max)
        case NumberQuestion():
            return message("survey.hint.number", loc, min=question.min, max=question.max)
        case TextQuestion():
            return message("survey.hint.text", loc, max=question.max_length)
        case DateQuestion():
            return message("survey.hint.date", loc)
    raise TypeError(f"unknown question type: {type(question).__name__}")


def render_prompt(survey: Survey, question: Question, answers: Answers, locale: str | None) -> str:
    """Progress line, question and hint: the whole message text for one question."""
    index, total = progress(survey, answers, question.id)
    return "\n\n".join(
        (
            message("survey.progress", locale, index=index, total=total),
            render_text(question, locale),
            render_hint(question, locale),
        )
    )


def option_text(question: Question, option_id: str, locale: str | None) -> str:
    """Label of an option; the raw id if it no longer exists (older version)."""
    if isinstance(question, SingleQuestion | MultiQuestion):
        option = question.option(option_id)
        if option is not None:
            return option.text.get(normalise_locale(locale))
    return option_id


def format_date(value: str | date, locale: str | None) -> str:
    """Russian users read dd.mm.yyyy; English output keeps ISO (unambiguous)."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return day.strftime("%d.%m.%Y") if normalise_locale(locale) == "ru" else day.isoformat()


def answer_text(question: Question, value: AnswerValue, locale: str | None) -> str:
    if value is None:
        return message("survey.answer.skipped", locale)
    if isinstance(question, MultiQuestion) and isinstance(value, list):
        return ", ".join(option_text(question, v, locale) for v in value)
    if isinstance(question, SingleQuestion) and isinstance(value, str):
        return option_text(question, value, locale)
    if isinstance(question, ScaleQuestion):
        return message("survey.answer.scale", locale, value=value, max=question.max)
    if isinstance(question, DateQuestion) and isinstance(value, str):
        try:
            return format_date(value, locale)
        except ValueError:
            return value
    return str(value)


def summarise(survey: Survey, answers: Answers, locale: str | None) -> list[tuple[str, str]]:
    """(question, answer) pairs for visible answered questions, in survey order."""
    return [
        (render_text(q, locale), answer_text(q, answers[q.id], locale))
        for q in visible_questions(survey, answers)
        if q.id in answers
    ]


def format_error(error: Invalid, locale: str | None) -> str:
    """Localised text for a validation error; date bounds shown in the user's format."""
    params = dict(error.params)
    for key in ("min", "max"):
        value = params.get(key)
        if isinstance(value, str):
            try:
                params[key] = format_date(value, locale)
            except ValueError:
                pass
    return message(error.code, locale, **params)
