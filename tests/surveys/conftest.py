from __future__ import annotations

import pytest

from bot.services.surveys import Survey, load_definitions

# A compact survey exercising every question type and both show_if forms.
DEMO = {
    "id": "demo",
    "version": 1,
    "roles": ["mentee"],
    "forms": ["*"],
    "title": {"ru": "Демо", "en": "Demo"},
    "questions": [
        {
            "id": "status",
            "type": "single",
            "text": {"ru": "Статус?", "en": "Status?"},
            "options": [
                {"id": "pupil", "text": {"ru": "Ученик", "en": "Pupil"}},
                {"id": "teacher", "text": {"ru": "Учитель", "en": "Teacher"}},
            ],
        },
        {
            "id": "grade",
            "type": "number",
            "min": 1,
            "max": 11,
            "show_if": {"question": "status", "equals": "pupil"},
            "text": {"ru": "Класс?", "en": "Grade?"},
        },
        {
            "id": "topics",
            "type": "multi",
            "min": 1,
            "max": 2,
            "text": {"ru": "Темы?", "en": "Topics?"},
            "options": [
                {"id": "exam_prep", "text": {"ru": "ЕГЭ", "en": "Exams"}},
                {"id": "olympiad_prep", "text": {"ru": "Олимпиады", "en": "Olympiads"}},
                {"id": "other", "text": {"ru": "Другое", "en": "Other"}},
            ],
        },
        {
            "id": "topics_other",
            "type": "text",
            "max_length": 20,
            "show_if": {"question": "topics", "in": ["other"]},
            "text": {"ru": "Что именно?", "en": "What exactly?"},
        },
        {"id": "mood", "type": "scale", "text": {"ru": "Настроение?", "en": "Mood?"}},
        {
            "id": "start",
            "type": "date",
            "min": "2024-01-01",
            "max": "2030-12-31",
            "text": {"ru": "Дата начала?", "en": "Start date?"},
        },
        {"id": "note", "type": "text", "optional": True, "text": {"ru": "Заметка?", "en": "Note?"}},
    ],
}


@pytest.fixture
def demo() -> Survey:
    return Survey.model_validate(DEMO)


@pytest.fixture(scope="session")
def registry():
    return load_definitions()
