from __future__ import annotations

import pytest

from bot.services.surveys import (
    SKIPPED,
    Ok,
    SkipNotAllowed,
    hidden_answer_ids,
    invalid_answers,
    is_complete,
    next_question,
    previous_question,
    progress,
    skip,
    validate,
    visible_answers,
    visible_questions,
)


def answer(survey, answers, raw):
    """What the bot does on a message: validate the current question and store it."""
    q = next_question(survey, answers)
    result = validate(q, raw)
    assert isinstance(result, Ok), (q.id, raw, result)
    answers[q.id] = result.value
    return q.id


def test_answering_in_order_as_pupil(demo):
    answers: dict = {}
    seen = []
    for raw in ["pupil", "9", ["exam_prep"], " 7 ", "17.05.2025"]:
        seen.append(answer(demo, answers, raw))
    assert seen == ["status", "grade", "topics", "mood", "start"]
    assert next_question(demo, answers).id == "note"
    assert is_complete(demo, answers)  # "note" is optional
    answers["note"] = skip(next_question(demo, answers))
    assert next_question(demo, answers) is None
    assert answers == {
        "status": "pupil",
        "grade": 9,
        "topics": ["exam_prep"],
        "mood": 7,
        "start": "2025-05-17",
        "note": None,
    }


def test_show_if_branching(demo):
    answers = {"status": "teacher"}
    assert next_question(demo, answers).id == "topics"  # grade hidden for teachers
    answers["topics"] = ["olympiad_prep", "other"]
    assert next_question(demo, answers).id == "topics_other"  # multi "in" matches
    answers["topics"] = ["olympiad_prep"]
    assert next_question(demo, answers).id == "mood"


def test_progress_counts_only_visible(demo):
    teacher = {"status": "teacher"}
    assert progress(demo, {}, "status") == (1, 5)  # grade/topics_other hidden until answered
    assert progress(demo, teacher, "topics") == (2, 5)
    pupil = {"status": "pupil"}
    assert progress(demo, pupil, "grade") == (2, 6)
    assert progress(demo, pupil, "topics") == (3, 6)
    pupil_other = {"status": "pupil", "grade": 5, "topics": ["other"]}
    assert progress(demo, pupil_other, "topics_other") == (4, 7)
    assert progress(demo, pupil_other, None) == (7, 7)


def test_back_returns_previous_visible_question(demo):
    answers = {"status": "teacher", "topics": ["exam_prep"]}
    # On "mood": back goes to topics, skipping the hidden grade and topics_other.
    prev = previous_question(demo, answers, "mood")
    assert prev.id == "topics"
    del answers[prev.id]  # the caller deletes the answer, so it is asked again
    assert next_question(demo, answers).id == "topics"
    assert previous_question(demo, answers, "topics").id == "status"
    assert previous_question(demo, answers, "status") is None


def test_back_twice_then_forward_reasks_both(demo):
    answers = {"status": "pupil", "grade": 5, "topics": ["exam_prep"]}
    for current in ("mood", "topics"):
        prev = previous_question(demo, answers, current)
        del answers[prev.id]
    assert set(answers) == {"status"}
    assert next_question(demo, answers).id == "grade"


def test_back_from_end_screen(demo):
    answers = {
        "status": "teacher",
        "topics": ["exam_prep"],
        "mood": 5,
        "start": "2025-01-01",
        "note": None,
    }
    assert next_question(demo, answers) is None
    assert previous_question(demo, answers, None).id == "note"


def test_changing_branch_hides_old_answers(demo):
    answers = {
        "status": "pupil",
        "grade": 5,
        "topics": ["other"],
        "topics_other": "шахматы",
        "mood": 3,
    }
    answers["status"] = "teacher"
    answers["topics"] = ["exam_prep"]
    assert hidden_answer_ids(demo, answers) == ["grade", "topics_other"]
    assert list(visible_answers(demo, answers)) == ["status", "topics", "mood"]
    # A stale answer to a hidden question does not reveal its dependants.
    answers["topics"] = None
    assert "topics_other" not in [q.id for q in visible_questions(demo, answers)]


def test_back_from_question_that_became_hidden(demo):
    answers = {"status": "teacher", "topics": ["exam_prep"]}
    assert previous_question(demo, answers, "topics_other").id == "topics"


def test_completion_requires_visible_required_answers(demo):
    answers = {"status": "pupil", "topics": ["exam_prep"], "mood": 1, "start": "2024-01-01"}
    assert not is_complete(demo, answers)  # grade is visible for pupils and missing
    answers["status"] = "teacher"
    assert is_complete(demo, answers)
    answers["mood"] = SKIPPED  # a required question cannot count as skipped
    assert not is_complete(demo, answers)


def test_skip_only_optional(demo):
    assert skip(demo.question("note")) is None
    with pytest.raises(SkipNotAllowed):
        skip(demo.question("mood"))


def test_invalid_answers_after_version_change(demo):
    stored = {
        "status": "alumni",
        "grade": 12,
        "topics": ["exam_prep"],
        "mood": None,
        "note": None,
        "gone": 1,
    }
    assert invalid_answers(demo, stored) == ["status", "grade", "mood"]


def test_full_mentor_walkthrough(registry):
    survey = registry.get("mentor_profile")
    script = {
        "position": "Учитель математики",
        "work_experience": "10_to_20_years",
        "mentoring_experience": "none",
        "competencies": ["exam_prep", "olympiad_prep", "teaching_methods"],
        "interests": ["board_games", "tourism"],
        "age_groups": ["high_school"],
        "hours_per_month": "8",
        "max_mentees": "3",
        "meeting_format": ["online", "offline"],
        "availability": ["weekday_evening", "saturday"],
    }
    answers: dict = {}
    steps = 0
    while (q := next_question(survey, answers)) is not None:
        steps += 1
        index, total = progress(survey, answers, q.id)
        assert index == steps and total == 11  # details question hidden for first-timers
        answers[q.id] = skip(q) if q.optional else validate(q, script[q.id]).value
    assert steps == 11 and is_complete(survey, answers)
    assert answers["meeting_format"] == ["offline", "online"]  # definition order
    assert answers["hours_per_month"] == 8


def test_mentee_walkthrough_shows_requests(registry):
    survey = registry.get("mentee_profile")
    answers = {"grade_or_position": "8 «А» класс"}
    q = next_question(survey, answers)
    assert q.id == "requests"
    assert validate(q, ["exam_prep"] * 2 + ["career_guidance"]) == Ok(
        ["exam_prep", "career_guidance"]
    )


def _random_answers(survey, rng):
    """Answers as a respondent leaves them: some questions answered (any option, or a value
    of the right kind), some skipped, branches taken and abandoned (answers to hidden
    questions stay in the dict until they are cleaned up)."""
    from bot.services.surveys import MultiQuestion, ScaleQuestion, SingleQuestion

    answers = {}
    for question in survey.questions:
        roll = rng.random()
        if roll < 0.25:
            continue
        if roll < 0.35:
            answers[question.id] = SKIPPED
        elif isinstance(question, SingleQuestion):
            answers[question.id] = rng.choice(question.options).id
        elif isinstance(question, MultiQuestion):
            answers[question.id] = [o.id for o in question.options if rng.random() < 0.5]
        elif isinstance(question, ScaleQuestion):
            answers[question.id] = rng.randint(question.min, question.max)
        else:
            answers[question.id] = "x"
    return answers


def test_one_walk_gives_what_next_progress_and_previous_give(demo):
    """`position` (one walk, what a questionnaire step uses) says what the three functions
    say, over the demo survey and every bundled one, for answers of every shape."""
    import random

    from bot.services.surveys import load_definitions, position

    rng = random.Random(21)
    surveys = [demo, *load_definitions()]
    checked = 0
    for survey in surveys:
        for _ in range(200):
            answers = _random_answers(survey, rng)
            at = position(survey, answers)
            question = next_question(survey, answers)
            assert at.question == question
            if question is None:
                continue
            assert (at.index, at.total) == progress(survey, answers, question.id)
            assert at.can_go_back == (previous_question(survey, answers, question.id) is not None)
            checked += 1
    assert checked > 500
