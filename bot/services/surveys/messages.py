"""Texts of the survey engine itself: buttons, progress, hints, errors.

Plain ``str.format`` placeholders; the bot's translation system imports
``MESSAGES`` as-is. Russian first, English second; both must have the same keys.
Phrasing avoids "N вариантов"-style nouns after numbers so no plural rules are needed.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "ru": {
        "survey.progress": "Вопрос {index} из {total}",
        "survey.button.skip": "Пропустить",
        "survey.button.back": "Назад",
        "survey.button.done": "Готово",
        "survey.answer_saved": "Ответ сохранён",
        "survey.completed": "Спасибо! Анкета заполнена.",
        "survey.answer.skipped": "не указано",
        "survey.answer.scale": "{value} из {max}",
        "survey.skip_not_allowed": "На этот вопрос нужно ответить — его нельзя пропустить.",
        "survey.hint.single": "Выберите один вариант кнопкой ниже.",
        "survey.hint.multi": "Отметьте подходящие варианты (от {min} до {max}) и нажмите «Готово».",
        "survey.hint.multi_any": "Отметьте все подходящие варианты и нажмите «Готово».",
        "survey.hint.scale": "Оцените по шкале от {min} до {max}.",
        "survey.hint.scale_labels": "Оцените по шкале от {min} до {max}: {min} — {min_label}, {max} — {max_label}.",
        "survey.hint.number": "Введите целое число от {min} до {max}.",
        "survey.hint.text": "Напишите ответ одним сообщением (не длиннее {max} символов).",
        "survey.hint.date": "Введите дату в формате дд.мм.гггг, например 17.05.2025.",
        "survey.error.out_of_range": "Нужно значение от {min} до {max}.",
        "survey.error.not_a_number": "Введите целое число цифрами, например 5.",
        "survey.error.too_long": "Ответ слишком длинный: {length} символов при максимуме {max}. Сократите его, пожалуйста.",
        "survey.error.choose_button": "Пожалуйста, выберите вариант кнопками под вопросом.",
        "survey.error.empty": "Ответ не может быть пустым.",
        "survey.error.bad_date": "Не удалось распознать дату. Введите её в формате дд.мм.гггг, например 17.05.2025.",
        "survey.error.date_too_early": "Дата должна быть не раньше {min}.",
        "survey.error.date_too_late": "Дата должна быть не позже {max}.",
        "survey.error.choose_at_least": "Выбрано слишком мало вариантов: нужно не меньше {min}.",
        "survey.error.choose_at_most": "Выбрано слишком много вариантов: можно не больше {max}. Снимите лишние отметки.",
    },
    "en": {
        "survey.progress": "Question {index} of {total}",
        "survey.button.skip": "Skip",
        "survey.button.back": "Back",
        "survey.button.done": "Done",
        "survey.answer_saved": "Answer saved",
        "survey.completed": "Thank you! The questionnaire is complete.",
        "survey.answer.skipped": "not given",
        "survey.answer.scale": "{value} of {max}",
        "survey.skip_not_allowed": "This question is required and cannot be skipped.",
        "survey.hint.single": "Choose one option with the buttons below.",
        "survey.hint.multi": "Tick the options that apply ({min} to {max}) and press “Done”.",
        "survey.hint.multi_any": "Tick all the options that apply and press “Done”.",
        "survey.hint.scale": "Rate on a scale from {min} to {max}.",
        "survey.hint.scale_labels": "Rate on a scale from {min} to {max}: {min} means {min_label}, {max} means {max_label}.",
        "survey.hint.number": "Enter a whole number from {min} to {max}.",
        "survey.hint.text": "Type your answer in one message (up to {max} characters).",
        "survey.hint.date": "Enter a date as dd.mm.yyyy, e.g. 17.05.2025.",
        "survey.error.out_of_range": "Please enter a value from {min} to {max}.",
        "survey.error.not_a_number": "Please enter a whole number in digits, e.g. 5.",
        "survey.error.too_long": "Your answer is too long: {length} characters, the limit is {max}. Please shorten it.",
        "survey.error.choose_button": "Please choose an option with the buttons under the question.",
        "survey.error.empty": "The answer cannot be empty.",
        "survey.error.bad_date": "Could not read the date. Please enter it as dd.mm.yyyy, e.g. 17.05.2025.",
        "survey.error.date_too_early": "The date must be no earlier than {min}.",
        "survey.error.date_too_late": "The date must be no later than {max}.",
        "survey.error.choose_at_least": "Too few options selected: choose at least {min}.",
        "survey.error.choose_at_most": "Too many options selected: at most {max}. Please untick some.",
    },
}


def normalise_locale(locale: str | None) -> str:
    """ "en", "en-US", "en_GB" -> "en"; anything else falls back to Russian."""
    if locale and locale.lower().replace("_", "-").split("-")[0] == "en":
        return "en"
    return "ru"


def message(key: str, locale: str | None, **params: object) -> str:
    return MESSAGES[normalise_locale(locale)][key].format(**params)
