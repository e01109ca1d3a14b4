"""Walking a person through a survey with answers kept in the database.

Pure survey logic lives in bot.services.surveys; this module adds ownership checks, storage and
what "finished" means for the participation (a completed profile makes the participant ready)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import AccessDenied, DomainError
from bot.services.people import participants
from bot.services.programmes import states
from bot.services.surveys import (
    SKIPPED,
    AnswerValue,
    Invalid,
    MultiQuestion,
    Ok,
    Question,
    ScaleQuestion,
    SingleQuestion,
    Survey,
    hidden_answer_ids,
    load_definitions,
    position,
    previous_question,
    validate,
)
from bot.services.surveys import store as survey_store
from models import Participation, SurveyResponse

PROFILE_SURVEYS = {"mentor": "mentor_profile", "mentee": "mentee_profile"}


@dataclass(frozen=True)
class Step:
    response_id: int
    participation_id: int | None  # None: a curator's own questionnaire
    survey: Survey
    question: Question | None  # None: the survey is finished
    answers: dict[str, AnswerValue]
    index: int
    total: int
    can_go_back: bool
    first: bool = False  # the first question shown for this response: show the intro too
    # What the step was worked out from, read in the update's transaction: the same update
    # answers on top of it without reading the response, its participation and its answers
    # again (each was read 4-5 times per answer before).
    response: SurveyResponse | None = field(default=None, repr=False, compare=False)
    participation: Participation | None = field(default=None, repr=False, compare=False)


class StaleQuestion(DomainError):
    """A button of a question that is no longer the current one."""

    key = "survey.stale"


# Built once (every answer reads it; issue #21: statements built per update).
_RESPONSE_OF = (select(SurveyResponse, Participation,
                       survey_store.answers_of_response(SurveyResponse.id))
                .outerjoin(Participation, Participation.id == SurveyResponse.participation_id)
                .where(SurveyResponse.id == bindparam("response_id")))


@dataclass(frozen=True, slots=True)
class ResponseRead:
    """What `current` reads about a response (the response, its participation, its answers),
    read by another statement of the same transaction: the update's first one carries it for
    a survey's button (bot/runtime/middlewares/prefetch.py), which saves the statement of its
    own on most updates (issue #21). `response` None: no such response."""

    response_id: int
    response: SurveyResponse | None
    participation: Participation | None
    stored: dict[str, AnswerValue] | None


def with_response(statement: Select[Any], response_id: ColumnElement[Any]) -> Select[Any]:
    """`statement` with what a ResponseRead holds as its last three columns (outer joins: a
    row is there whether or not the response is), for the response whose id is `response_id`
    (a parameter or an expression of the statement's other tables)."""
    return (statement.add_columns(SurveyResponse, Participation,
                                  survey_store.answers_of_response(SurveyResponse.id))
            .outerjoin(SurveyResponse, SurveyResponse.id == response_id)
            .outerjoin(Participation, Participation.id == SurveyResponse.participation_id))


def read_from(response_id: int, columns: Any) -> ResponseRead:
    """The ResponseRead of `with_response`'s three columns."""
    response, participation, stored = columns
    return ResponseRead(response_id, response, participation, stored)


async def _response_of(session: AsyncSession, response_id: int, user_id: int,
                       read: ResponseRead | None = None
                       ) -> tuple[SurveyResponse, Participation | None, Survey,
                                  dict[str, AnswerValue]]:
    # The response, its participation and its answers in one statement (or taken from `read`,
    # read earlier in this transaction): participants.owned below finds the participation in
    # the session (`joined` keeps it referenced) instead of reading it again.
    if read is not None and read.response_id == response_id:
        row: Any = (None if read.response is None
                    else (read.response, read.participation, read.stored))
    else:
        row = (await session.execute(_RESPONSE_OF, {"response_id": response_id})).first()
    if row is None:
        raise AccessDenied()
    response, joined, stored = row
    answers = survey_store.answers_from(stored)
    if response.participation_id is None:  # a curator's own answers: theirs alone
        if response.user_id != user_id:
            raise AccessDenied()
        return response, None, load_definitions().get(response.survey_id), answers
    participation = await participants.owned(session, response.participation_id, user_id)
    del joined
    return response, participation, load_definitions().get(response.survey_id), answers


async def _step(session: AsyncSession, response: SurveyResponse, survey: Survey,
                participation: Participation | None, answers: dict[str, AnswerValue],
                first: bool = False) -> Step:
    """The step after `answers` (what the database holds for the response now)."""
    at = position(survey, answers)
    participation_id = participation.id if participation is not None else None
    if at.question is None:
        await survey_store.complete(session, response)
        if response.context == "profile" and participation is not None:
            await participants.mark_ready(session, participation)
        return Step(response.id, participation_id, survey, None, answers, 0, 0, False,
                    response=response, participation=participation)
    return Step(response.id, participation_id, survey, at.question, answers, at.index, at.total,
                at.can_go_back, first, response=response, participation=participation)


async def start(session: AsyncSession, participation: Participation, survey_id: str,
                context: str = "profile") -> Step:
    if context == "profile":  # joining: not in a completed programme
        await states.require_id(session, participation.programme_id, states.Activity.JOIN)
    survey = load_definitions().get(survey_id)
    response, answers = await survey_store.open_response(session, participation.id, survey,
                                                         context)
    return await _step(session, response, survey, participation, answers, first=not answers)


async def start_as_user(session: AsyncSession, user_id: int, programme_id: int,
                        survey_id: str, context: str) -> Step:
    """A survey answered by a user without a participation (a curator about a programme);
    the caller checks that the user may answer it."""
    survey = load_definitions().get(survey_id)
    response, answers = await survey_store.open_curator_response(session, user_id, programme_id,
                                                                 survey, context)
    return await _step(session, response, survey, None, answers, first=not answers)


async def current(session: AsyncSession, response_id: int, user_id: int,
                  read: ResponseRead | None = None) -> Step:
    """The step the response is at; `read`: what this transaction already read of it (used
    when it is of this response)."""
    response, participation, survey, answers = await _response_of(session, response_id, user_id,
                                                                  read)
    return await _step(session, response, survey, participation, answers)


async def _current_or(session: AsyncSession, response_id: int, user_id: int,
                      step: Step | None) -> Step:
    """`step` when the caller already has it (from `current` for this person, in this update),
    else the current step read from the database."""
    if step is not None and step.response is not None and step.response_id == response_id:
        return step
    return await current(session, response_id, user_id)


def _check_current(step: Step, question_id: str) -> Question:
    if step.question is None or step.question.id != question_id:
        raise StaleQuestion()
    return step.question


def _stored(value: AnswerValue) -> AnswerValue:
    # As the database gives it back (JSON): a list answer must not be shared with the caller.
    return list(value) if isinstance(value, list) else value


async def answer(session: AsyncSession, response_id: int, user_id: int, question_id: str,
                 raw: object, step: Step | None = None) -> Step | Invalid:
    """Validate and store one answer. An invalid answer changes nothing.

    `step`: the current step the caller got from `current` in this update (saves reading it
    again)."""
    step = await _current_or(session, response_id, user_id, step)
    question = _check_current(step, question_id)
    result = validate(question, raw)
    if isinstance(result, Invalid):
        return result
    assert isinstance(result, Ok)
    assert step.response is not None
    await survey_store.save_answer(session, response_id, question.id, result.value)
    answers = {**step.answers, question.id: _stored(result.value)}
    # An answer that closes a branch makes answers inside it stale: drop them.
    hidden = hidden_answer_ids(step.survey, answers)
    await survey_store.delete_answers(session, response_id, hidden)
    for question_id_ in hidden:
        del answers[question_id_]
    return await _step(session, step.response, step.survey, step.participation, answers)


def option_value(question: Question, index: int) -> object:
    """What a pressed button means: an option id, or a number on a scale."""
    if isinstance(question, SingleQuestion | MultiQuestion):
        if not 0 <= index < len(question.options):
            raise StaleQuestion()
        return question.options[index].id
    if isinstance(question, ScaleQuestion):
        return index
    raise StaleQuestion()


async def skip_question(session: AsyncSession, response_id: int, user_id: int,
                        question_id: str, step: Step | None = None) -> Step:
    step = await _current_or(session, response_id, user_id, step)
    question = _check_current(step, question_id)
    if not question.optional:
        raise DomainError("survey.skip_not_allowed")
    assert step.response is not None
    await survey_store.save_answer(session, response_id, question.id, SKIPPED)
    answers = {**step.answers, question.id: SKIPPED}
    return await _step(session, step.response, step.survey, step.participation, answers)


async def go_back(session: AsyncSession, response_id: int, user_id: int, question_id: str,
                  step: Step | None = None) -> Step:
    step = await _current_or(session, response_id, user_id, step)
    _check_current(step, question_id)
    assert step.response is not None
    answers = dict(step.answers)
    previous = previous_question(step.survey, step.answers, question_id)
    if previous is not None:
        await survey_store.delete_answers(session, response_id, [previous.id])
        answers.pop(previous.id, None)
    return await _step(session, step.response, step.survey, step.participation, answers)
