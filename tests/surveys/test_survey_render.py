from __future__ import annotations

from bot.services.surveys import (
    Invalid,
    answer_text,
    format_error,
    option_text,
    render_hint,
    render_prompt,
    render_text,
    render_title,
    summarise,
)


def test_render_text_and_options(demo, ru, en, demo_translator):
    q = demo.question("status")
    assert render_text(q, ru) == "Статус?"
    assert render_text(q, en) == "Status?"
    # An unknown locale falls back to the default language (Russian).
    assert render_text(q, demo_translator.bind("de").plain) == "Статус?"
    assert render_title(demo, en) == "Demo"
    assert option_text(q, "teacher", ru) == "Учитель"
    assert option_text(q, "removed_option", ru) == "removed_option"


def test_prompt_has_progress_question_and_hint(demo, ru, en):
    text = render_prompt(demo, demo.question("grade"), {"status": "pupil"}, ru)
    assert text == "Вопрос 2 из 6\n\nКласс?\n\nВведите целое число от 1 до 11."
    assert render_hint(demo.question("topics"), en).startswith(
        "Tick the options that apply (1 to 2)"
    )


def test_real_scale_hint_uses_labels(registry, ru):
    q = registry.get("meeting_feedback").question("usefulness")
    assert render_hint(q, ru) == (
        "Оцените по шкале от 1 до 10: 1 — совсем не полезна, 10 — очень полезна."
    )


def test_every_real_question_renders_in_both_languages(registry, demo_translator):
    # strict: a key missing from a catalogue raises instead of showing the key
    for survey in registry:
        for locale in ("ru", "en"):
            texts = demo_translator.bind(locale).plain
            assert render_title(survey, texts)
            for q in survey.questions:
                assert render_text(q, texts) and render_hint(q, texts)


def test_summarise(demo, ru, en):
    answers = {
        "status": "pupil",
        "grade": 9,
        "topics": ["exam_prep", "other"],
        "topics_other": "шахматы",
        "mood": 8,
        "start": "2025-05-17",
        "note": None,
    }
    assert summarise(demo, answers, ru) == [
        ("Статус?", "Ученик"),
        ("Класс?", "9"),
        ("Темы?", "ЕГЭ, Другое"),
        ("Что именно?", "шахматы"),
        ("Настроение?", "8 из 10"),
        ("Дата начала?", "17.05.2025"),
        ("Заметка?", "не указано"),
    ]
    english = dict(summarise(demo, answers, en))
    assert english["Start date?"] == "2025-05-17" and english["Mood?"] == "8 of 10"


def test_summarise_skips_hidden_and_unanswered(demo, ru):
    answers = {"status": "teacher", "grade": 9}
    assert summarise(demo, answers, ru) == [("Статус?", "Учитель")]


def test_answer_text_tolerates_odd_values(demo, ru):
    assert answer_text(demo.question("start"), "not-a-date", ru) == "not-a-date"


def test_format_error(ru, en):
    assert (
        format_error(Invalid("survey.error.out_of_range", {"min": 1, "max": 10}), ru)
        == "Нужно значение от 1 до 10."
    )
    dated = Invalid("survey.error.date_too_early", {"min": "2024-01-01"})
    assert format_error(dated, ru) == "Дата должна быть не раньше 01.01.2024."
    assert format_error(dated, en) == "The date must be no earlier than 2024-01-01."
    assert "{" not in format_error(
        Invalid("survey.error.too_long", {"max": 20, "length": 25}), ru
    )
    assert ru("survey.progress", index=3, total=8) == "Вопрос 3 из 8"
