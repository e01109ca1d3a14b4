"""Walking a respondent through a survey.

Progress is plain data, ``answers: {question_id: value}``, exactly what the
database persists; a skipped optional question is stored as ``None`` so it is
not asked again. Every function here is pure: no Telegram, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .models import MultiQuestion, Question, Survey
from .validation import AnswerValue, Invalid, validate

Answers = Mapping[str, AnswerValue]

SKIPPED: None = None  # the stored value of a skipped optional question


class SkipNotAllowed(ValueError):
    """Raised when the caller tries to skip a required question."""


def is_visible(survey: Survey, question: Question, answers: Answers) -> bool:
    """A question is visible when its show_if source is visible and matches.

    Checking the source's own visibility matters after Back: an answer to a
    question that is now hidden may still be in ``answers`` and must not count.
    """
    cond = question.show_if
    if cond is None:
        return True
    source = survey.question(cond.question)
    if source is None or not is_visible(survey, source, answers):
        return False
    value = answers.get(source.id)
    if value is None:
        return False
    if isinstance(source, MultiQuestion):
        return isinstance(value, list) and any(v in value for v in cond.values)
    return value in cond.values


def visible_questions(survey: Survey, answers: Answers) -> list[Question]:
    return [q for q in survey.questions if is_visible(survey, q, answers)]


def next_question(survey: Survey, answers: Answers) -> Question | None:
    """The first visible question not yet answered or skipped; None when done."""
    return next((q for q in visible_questions(survey, answers) if q.id not in answers), None)


def previous_question(survey: Survey, answers: Answers, current_id: str | None) -> Question | None:
    """The visible question before ``current_id`` (None: the survey's end screen).

    The caller deletes that question's answer and asks it again. Returns None
    on the first question (nothing to go back to).
    """
    # Positions in the whole survey, so a current question that has just become
    # hidden (or the end screen, None) still has a well-defined "before".
    order = {q.id: i for i, q in enumerate(survey.questions)}
    limit = len(order) if current_id is None else order.get(current_id, len(order))
    earlier = [q for q in visible_questions(survey, answers) if order[q.id] < limit]
    return earlier[-1] if earlier else None


def progress(survey: Survey, answers: Answers, current_id: str | None) -> tuple[int, int]:
    """(index, total) over visible questions, 1-based, for "Вопрос 3 из 8".

    ``total`` can change as answers reveal or hide branches. With
    ``current_id=None`` (finished) the index equals the total.
    """
    ids = [q.id for q in visible_questions(survey, answers)]
    total = len(ids)
    if current_id is None or current_id not in ids:
        return total, total
    return ids.index(current_id) + 1, total


@dataclass(frozen=True, slots=True)
class Position:
    """Where a respondent is: what `next_question`, `progress` and `previous_question` say."""

    question: Question | None  # the next question to ask; None: the survey is finished
    index: int  # 1-based among the visible questions (the total when finished)
    total: int
    can_go_back: bool  # a visible question comes before it (a finished survey: any at all)


def position(survey: Survey, answers: Answers) -> Position:
    """The next question, its progress and whether Back has somewhere to go, from one walk over
    the visible questions (each of the three functions walks them itself; a questionnaire step
    asked all three, issue #21)."""
    visible = visible_questions(survey, answers)
    for index, question in enumerate(visible):
        if question.id not in answers:
            return Position(question, index + 1, len(visible), index > 0)
    return Position(None, len(visible), len(visible), bool(visible))


def is_complete(survey: Survey, answers: Answers) -> bool:
    """Every visible required question has a (non-skipped) answer."""
    return all(
        answers.get(q.id) is not None for q in visible_questions(survey, answers) if not q.optional
    )


def skip(question: Question) -> None:
    """The value to store for a skipped question; refuses required ones."""
    if not question.optional:
        raise SkipNotAllowed(f"question {question.id!r} is required")
    return SKIPPED


def hidden_answer_ids(survey: Survey, answers: Answers) -> list[str]:
    """Answers that no longer count: their question is hidden or was removed.

    After Back changes a branching answer, the caller may delete these.
    """
    visible = {q.id for q in visible_questions(survey, answers)}
    return [qid for qid in answers if qid not in visible]


def visible_answers(survey: Survey, answers: Answers) -> dict[str, AnswerValue]:
    """Only the answers that count, in question order (for export and matching)."""
    return {q.id: answers[q.id] for q in visible_questions(survey, answers) if q.id in answers}


def invalid_answers(survey: Survey, answers: Answers) -> list[str]:
    """Ids of stored answers the current definition would reject.

    Answers are stored with the survey version; after a version bump (an option
    removed, a range narrowed) these are the ones to ask again.
    """
    bad = []
    for qid, value in answers.items():
        question = survey.question(qid)
        if question is None:
            continue  # removed question: see hidden_answer_ids
        if value is None:
            if not question.optional:
                bad.append(qid)
        elif isinstance(validate(question, value), Invalid):
            bad.append(qid)
    return bad
