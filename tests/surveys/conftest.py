from __future__ import annotations

import pytest

from bot.i18n import Catalogue, Translator, load_catalogues
from bot.services.surveys import Survey, load_definitions

# A compact survey exercising every question type and both show_if forms: structure only, its
# texts are DEMO_TEXTS (a definition names ids; the catalogues hold the words).
DEMO = {
    "id": "demo",
    "version": 1,
    "roles": ["mentee"],
    "forms": ["*"],
    "questions": [
        {"id": "status", "type": "single", "options": ["pupil", "teacher"]},
        {
            "id": "grade",
            "type": "number",
            "min": 1,
            "max": 11,
            "show_if": {"question": "status", "equals": "pupil"},
        },
        {"id": "topics", "type": "multi", "min": 1, "max": 2,
         "options": ["exam_prep", "olympiad_prep", "other"]},
        {
            "id": "topics_other",
            "type": "text",
            "max_length": 20,
            "show_if": {"question": "topics", "in": ["other"]},
        },
        {"id": "mood", "type": "scale"},
        {"id": "start", "type": "date", "min": "2024-01-01", "max": "2030-12-31"},
        {"id": "note", "type": "text", "optional": True},
    ],
}

DEMO_TEXTS = {  # key: (ru, en)
    "survey.demo.title": ("Демо", "Demo"),
    "survey.demo.q.status": ("Статус?", "Status?"),
    "survey.demo.q.status.option.pupil": ("Ученик", "Pupil"),
    "survey.demo.q.status.option.teacher": ("Учитель", "Teacher"),
    "survey.demo.q.grade": ("Класс?", "Grade?"),
    "survey.demo.q.topics": ("Темы?", "Topics?"),
    "survey.demo.q.topics.option.exam_prep": ("ЕГЭ", "Exams"),
    "survey.demo.q.topics.option.olympiad_prep": ("Олимпиады", "Olympiads"),
    "survey.demo.q.topics.option.other": ("Другое", "Other"),
    "survey.demo.q.topics_other": ("Что именно?", "What exactly?"),
    "survey.demo.q.mood": ("Настроение?", "Mood?"),
    "survey.demo.q.start": ("Дата начала?", "Start date?"),
    "survey.demo.q.note": ("Заметка?", "Note?"),
}


@pytest.fixture
def demo() -> Survey:
    return Survey.model_validate(DEMO)


@pytest.fixture(scope="session")
def registry():
    return load_definitions()


@pytest.fixture(scope="session")
def demo_translator() -> Translator:
    """The project's catalogues plus the demo survey's texts; strict, so a missing key fails."""
    catalogues = {}
    for locale, catalogue in load_catalogues().items():
        index = 0 if locale == "ru" else 1
        messages = {**catalogue.messages,
                    **{key: texts[index] for key, texts in DEMO_TEXTS.items()}}
        catalogues[locale] = Catalogue(locale, messages, catalogue.plural_expr)
    return Translator(catalogues, "ru", strict=True)


@pytest.fixture(scope="session")
def ru(demo_translator):
    return demo_translator.bind("ru").plain


@pytest.fixture(scope="session")
def en(demo_translator):
    return demo_translator.bind("en").plain
