"""Playing a participant through the bot's questionnaires like a person would: reading the
question on screen and answering with buttons or text."""

from __future__ import annotations

from bot.emulator import SimUser
from bot.services.surveys import (
    DateQuestion,
    MultiQuestion,
    NumberQuestion,
    ScaleQuestion,
    SingleQuestion,
    TextQuestion,
    load_definitions,
)

COMPLETED = ("Анкета заполнена", "questionnaire is complete")


def current_question(survey_id: str, text: str, locale: str = "ru"):
    survey = load_definitions().get(survey_id)
    matches = [q for q in survey.questions if (q.text.ru if locale == "ru" else q.text.en) in text]
    assert matches, f"no question of {survey_id} in: {text!r}"
    return max(matches, key=lambda q: len(q.text.ru))


async def answer_survey(user: SimUser, survey_id: str, live, locale: str = "ru",
                        texts: dict[str, str] | None = None) -> int:
    """Answers every question until the survey says it is complete; returns how many."""
    texts = texts or {}
    answered = 0
    for _ in range(40):
        await live.settle()
        message = user.last_message
        recent = user.messages[-2:]
        if any(mark in m.text for m in recent for mark in COMPLETED):
            user.mark_read()
            return answered
        question = current_question(survey_id, message.text, locale)
        if isinstance(question, SingleQuestion):
            await user.press(message.buttons[0])
        elif isinstance(question, MultiQuestion):
            await user.press(message.buttons[0])
            await live.settle()
            await user.press("Готово" if locale == "ru" else "Done")
        elif isinstance(question, ScaleQuestion):
            await user.press("8")
        elif isinstance(question, NumberQuestion):
            await user.send(texts.get(question.id, str(question.min)))
        elif isinstance(question, DateQuestion):
            await user.send(texts.get(question.id, "01.10.2026"))
        elif isinstance(question, TextQuestion):
            await user.send(texts.get(question.id, "Учитель истории"))
        answered += 1
    raise AssertionError("the survey did not finish")
