"""Playing a participant through the bot's questionnaires like a person would: reading the
question on screen and answering it with buttons or text. Used by the tests and the demo."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.config import SUPPORTED_LOCALES
from bot.emulator.players import SimUser
from bot.i18n import create_translator
from bot.services.surveys import (
    DateQuestion,
    MultiQuestion,
    NumberQuestion,
    Question,
    ScaleQuestion,
    SingleQuestion,
    TextQuestion,
    load_definitions,
    option_text,
    render_text,
)

Action = Callable[[SimUser, str], Awaitable[None]]


def _texts(locale: str):
    # What a person reads on screen: the catalogue texts, as plain text.
    return create_translator(strict=True).bind(locale).plain


def option_label(question: Question, index: int = 0, locale: str = "ru") -> str:
    """The text of a choice question's option button, as a person sees it."""
    options = getattr(question, "options", None)
    if options is None:
        raise TypeError(f"{question.id} is not a choice question")
    return option_text(question, options[index].id, _texts(locale))


# «The questionnaire is complete», in every language.
COMPLETED = tuple(_texts(locale)("survey.completed") for locale in SUPPORTED_LOCALES)


def find_question(survey_id: str, text: str, locale: str = "ru") -> Question | None:
    survey = load_definitions().get(survey_id)
    texts = _texts(locale)
    matches = [q for q in survey.questions if render_text(q, texts) in text]
    return max(matches, key=lambda q: len(render_text(q, texts))) if matches else None


def current_question(user: SimUser, survey_id: str, locale: str) -> Question:
    """The question on screen: the newest bot message that shows one (an error re-prompt may
    have come after it)."""
    for message in reversed(user.messages[-4:]):
        question = find_question(survey_id, message.text or "", locale)
        if question is not None:
            return question
    raise AssertionError(f"no question of {survey_id} on screen:\n{user.transcript()}")


def _question_index(user: SimUser, survey_id: str, locale: str) -> int:
    """Where the survey's question is on screen; with none, the last two messages."""
    for index in range(len(user.messages) - 1, max(-1, len(user.messages) - 5), -1):
        if find_question(survey_id, user.messages[index].text or "", locale) is not None:
            return index
    return max(0, len(user.messages) - 2)


async def answer_survey(user: SimUser, survey_id: str, live, locale: str = "ru",
                        texts: dict[str, str] | None = None, says: Action | None = None,
                        presses: Action | None = None) -> int:
    """Answers every question until the survey says it is complete; returns how many.
    `says`/`presses` replace the plain actions, e.g. to narrate them in the demo."""
    texts = texts or {}

    async def say(text: str) -> None:
        await (says(user, text) if says else user.send(text))
        await live.handled()

    async def press(text: str) -> None:
        await (presses(user, text) if presses else user.press(text))
        await live.handled()

    answered = 0
    await live.handled()
    # The «complete» of a survey answered just before must not end this one: only the messages
    # from this survey's first question on count.
    first = _question_index(user, survey_id, locale)
    completed = _texts(locale)("survey.completed")
    for _ in range(40):
        if any(completed in (m.text or "")
               for m in user.messages[max(first, len(user.messages) - 2):]):
            user.mark_read()
            return answered
        question = current_question(user, survey_id, locale)
        if isinstance(question, SingleQuestion | MultiQuestion):
            await press(option_label(question, 0, locale))
            if isinstance(question, MultiQuestion):
                await press(_texts(locale)("survey.button.done"))
        elif isinstance(question, ScaleQuestion):
            await press("8")
        elif isinstance(question, NumberQuestion):
            await say(texts.get(question.id, str(question.min)))
        elif isinstance(question, DateQuestion):
            await say(texts.get(question.id, "01.10.2026"))
        elif isinstance(question, TextQuestion):
            await say(texts.get(question.id, "Учитель истории"))
        answered += 1
    raise AssertionError("the survey did not finish")
