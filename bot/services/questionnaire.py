"""Walking a person through a survey with answers kept in the database.

Pure survey logic lives in bot.services.surveys; this module adds ownership checks, storage and
what "finished" means for the participation (a completed profile makes the participant ready)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import participants, survey_store
from bot.services.errors import AccessDenied, DomainError
from bot.services.surveys import (
    SKIPPED,
    Invalid,
    MultiQuestion,
    Ok,
    Question,
    ScaleQuestion,
    SingleQuestion,
    Survey,
    hidden_answer_ids,
    load_definitions,
    next_question,
    previous_question,
    progress,
    validate,
)
from models import Participation, SurveyResponse

PROFILE_SURVEYS = {"mentor": "mentor_profile", "mentee": "mentee_profile"}


@dataclass(frozen=True)
class Step:
    response_id: int
    participation_id: int
    survey: Survey
    question: Question | None  # None: the survey is finished
    answers: dict[str, object]
    index: int
    total: int
    can_go_back: bool
    first: bool = False  # the first question shown for this response: show the intro too


class StaleQuestion(DomainError):
    """A button of a question that is no longer the current one."""

    key = "survey.stale"


async def _response_of(session: AsyncSession, response_id: int, user_id: int
                       ) -> tuple[SurveyResponse, Participation, Survey]:
    response = await session.get(SurveyResponse, response_id)
    if response is None:
        raise AccessDenied()
    participation = await participants.owned(session, response.participation_id, user_id)
    return response, participation, load_definitions().get(response.survey_id)


async def _step(session: AsyncSession, response: SurveyResponse, survey: Survey,
                participation: Participation, first: bool = False) -> Step:
    answers = await survey_store.answers(session, response.id)
    question = next_question(survey, answers)
    if question is None:
        await survey_store.complete(session, response)
        if response.context == "profile":
            await participants.mark_ready(session, participation)
        return Step(response.id, participation.id, survey, None, answers, 0, 0, False)
    index, total = progress(survey, answers, question.id)
    can_back = previous_question(survey, answers, question.id) is not None
    return Step(response.id, participation.id, survey, question, answers, index, total, can_back,
                first)


async def start(session: AsyncSession, participation: Participation, survey_id: str,
                context: str = "profile") -> Step:
    survey = load_definitions().get(survey_id)
    response = await survey_store.open_response(session, participation.id, survey, context)
    answers = await survey_store.answers(session, response.id)
    return await _step(session, response, survey, participation, first=not answers)


async def current(session: AsyncSession, response_id: int, user_id: int) -> Step:
    response, participation, survey = await _response_of(session, response_id, user_id)
    return await _step(session, response, survey, participation)


def _check_current(step: Step, question_id: str) -> Question:
    if step.question is None or step.question.id != question_id:
        raise StaleQuestion()
    return step.question


async def answer(session: AsyncSession, response_id: int, user_id: int, question_id: str,
                 raw: object) -> Step | Invalid:
    """Validate and store one answer. An invalid answer changes nothing."""
    step = await current(session, response_id, user_id)
    question = _check_current(step, question_id)
    result = validate(question, raw)
    if isinstance(result, Invalid):
        return result
    assert isinstance(result, Ok)
    await survey_store.save_answer(session, response_id, question.id, result.value)
    response, participation, survey = await _response_of(session, response_id, user_id)
    # An answer that closes a branch makes answers inside it stale: drop them.
    answers = await survey_store.answers(session, response_id)
    await survey_store.delete_answers(session, response_id, hidden_answer_ids(survey, answers))
    return await _step(session, response, survey, participation)


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
                        question_id: str) -> Step:
    step = await current(session, response_id, user_id)
    question = _check_current(step, question_id)
    if not question.optional:
        raise DomainError("survey.skip_not_allowed")
    await survey_store.save_answer(session, response_id, question.id, SKIPPED)
    return await current(session, response_id, user_id)


async def go_back(session: AsyncSession, response_id: int, user_id: int, question_id: str) -> Step:
    step = await current(session, response_id, user_id)
    _check_current(step, question_id)
    previous = previous_question(step.survey, step.answers, question_id)
    if previous is not None:
        await survey_store.delete_answers(session, response_id, [previous.id])
    return await current(session, response_id, user_id)
