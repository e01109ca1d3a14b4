"""Plain-text rendering of questions, answers and errors (no HTML/Markdown).

The Telegram layer decides on markup and keyboards; these helpers only produce localised
strings, through ``texts``: a function that renders a catalogue key with parameters as plain
text in the reader's language (``BoundTranslator.plain``). The texts live in surveys.po.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from .flow import Answers, progress, visible_questions
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

# key, then str.format parameters → plain text in one locale
Texts = Callable[..., str]


def render_title(survey: Survey, texts: Texts) -> str:
    return texts(survey.title_key)


def render_intro(survey: Survey, texts: Texts) -> str | None:
    return texts(survey.intro_key) if survey.intro_key else None


def render_text(question: Question, texts: Texts) -> str:
    return texts(question.key)


def render_hint(question: Question, texts: Texts) -> str:
    """The definition's own hint, or a generic one describing the expected input."""
    if question.hint_key is not None:
        return texts(question.hint_key)
    match question:
        case SingleQuestion():
            return texts("survey.hint.single")
        case MultiQuestion() if question.min == 1 and question.max_choices == len(question.options):
            return texts("survey.hint.multi_any")
        case MultiQuestion():
            return texts("survey.hint.multi", min=question.min, max=question.max_choices)
        case ScaleQuestion() if question.labels:
            return texts(
                "survey.hint.scale_labels",
                min=question.min,
                max=question.max,
                min_label=texts(f"{question.key}.min_label"),
                max_label=texts(f"{question.key}.max_label"),
            )
        case ScaleQuestion():
            return texts("survey.hint.scale", min=question.min, max=question.max)
        case NumberQuestion():
            return texts("survey.hint.number", min=question.min, max=question.max)
        case TextQuestion():
            return texts("survey.hint.text", max=question.max_length)
        case DateQuestion():
            return texts("survey.hint.date")
    raise TypeError(f"unknown question type: {type(question).__name__}")


def render_prompt(survey: Survey, question: Question, answers: Answers, texts: Texts) -> str:
    """Progress line, question and hint: the whole message text for one question."""
    index, total = progress(survey, answers, question.id)
    return "\n\n".join(
        (
            texts("survey.progress", index=index, total=total),
            render_text(question, texts),
            render_hint(question, texts),
        )
    )


def option_text(question: Question, option_id: str, texts: Texts) -> str:
    """Label of an option; the raw id if it no longer exists (older version)."""
    if isinstance(question, SingleQuestion | MultiQuestion) and question.option(option_id):
        return texts(question.option_key(option_id))
    return option_id


def format_date(value: str | date, texts: Texts) -> str:
    """A date as its reader writes it (dd.mm.yyyy in Russian, ISO in English)."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return texts("survey.answer.date", date=day)


def answer_text(question: Question, value: AnswerValue, texts: Texts) -> str:
    if value is None:
        return texts("survey.answer.skipped")
    if isinstance(question, MultiQuestion) and isinstance(value, list):
        return ", ".join(option_text(question, v, texts) for v in value)
    if isinstance(question, SingleQuestion) and isinstance(value, str):
        return option_text(question, value, texts)
    if isinstance(question, ScaleQuestion):
        return texts("survey.answer.scale", value=value, max=question.max)
    if isinstance(question, DateQuestion) and isinstance(value, str):
        try:
            return format_date(value, texts)
        except ValueError:
            return value
    return str(value)


def summarise(survey: Survey, answers: Answers, texts: Texts) -> list[tuple[str, str]]:
    """(question, answer) pairs for visible answered questions, in survey order."""
    return [
        (render_text(q, texts), answer_text(q, answers[q.id], texts))
        for q in visible_questions(survey, answers)
        if q.id in answers
    ]


def format_error(error: Invalid, texts: Texts) -> str:
    """Localised text for a validation error; date bounds shown in the user's format."""
    params = dict(error.params)
    for key in ("min", "max"):
        value = params.get(key)
        if isinstance(value, str):
            try:
                params[key] = format_date(value, texts)
            except ValueError:
                pass
    return texts(error.code, **params)
