"""Questionnaire answers in the database, saved one by one as they are given, so a restart
resumes at the next question."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ScalarSelect, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction

from bot.services.surveys import AnswerValue, Survey
from models import SurveyAnswer, SurveyResponse
from models.base import utcnow

MEETING_CONTEXT = "meeting:"  # a meeting's feedback: context "meeting:<id>"


def meeting_of(context: str) -> int | None:
    """The meeting a response's context names ("meeting:42" -> 42), None for any other."""
    rest = context.removeprefix(MEETING_CONTEXT)
    return int(rest) if rest != context and rest.isascii() and rest.isdigit() else None


async def open_response(session: AsyncSession, participation_id: int, survey: Survey,
                        context: str = "profile"
                        ) -> tuple[SurveyResponse, dict[str, AnswerValue]]:
    """The person's response to the survey in this context (created when there is none yet),
    with its answers, read in the same statement."""
    return await _open(session, survey, context, {"participation_id": participation_id})


async def open_curator_response(session: AsyncSession, user_id: int, programme_id: int,
                                survey: Survey, context: str
                                ) -> tuple[SurveyResponse, dict[str, AnswerValue]]:
    """A curator has no participation: their response belongs to them and the programme."""
    return await _open(session, survey, context, {"user_id": user_id},
                       created_with={"programme_id": programme_id})


async def _open(session: AsyncSession, survey: Survey, context: str, owner: dict[str, int],
                created_with: dict[str, int] | None = None
                ) -> tuple[SurveyResponse, dict[str, AnswerValue]]:
    """The owner's response (found by the `owner` columns) with its answers in one statement,
    or a new one (with the `created_with` columns too) and no answers."""
    row = (await session.execute(
        select(SurveyResponse, answers_of_response(SurveyResponse.id))
        .filter_by(survey_id=survey.id, context=context, **owner))).first()
    if row is not None:
        return row[0], answers_from(row[1])
    response = SurveyResponse(survey_id=survey.id, survey_version=survey.version,
                              context=context, meeting_id=meeting_of(context),
                              **owner, **(created_with or {}))
    session.add(response)
    await session.flush()
    return response, {}


# Built once: every answer reads them (issue #21: statements built per update).
_ANSWERS = (select(SurveyAnswer.question_id, SurveyAnswer.value)
            .where(SurveyAnswer.response_id == bindparam("response_id")))


async def answers(session: AsyncSession, response_id: int) -> dict[str, AnswerValue]:
    rows = await session.execute(_ANSWERS, {"response_id": response_id})
    return dict(rows.all())


class answers_object(GenericFunction[Any]):  # lower case: the name SQL sees
    """A response's answers as one JSON object {question_id: value}, aggregated by the
    database, so a statement that reads the response reads its answers too (one round trip
    per update less, issue #21). NULL when there are none."""

    type = JSON()
    inherit_cache = True


@compiles(answers_object, "postgresql")
def _answers_object_postgresql(element: answers_object, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_object_agg({compiler.process(element.clauses, **kw)})"


@compiles(answers_object, "sqlite")
def _answers_object_sqlite(element: answers_object, compiler: SQLCompiler, **kw: Any) -> str:
    question, value = element.clauses.clauses
    # The value column holds JSON text: json() embeds it as JSON, not as a string.
    return (f"json_group_object({compiler.process(question, **kw)}, "
            f"json({compiler.process(value, **kw)}))")


def answers_of_response(response_id: Any) -> ScalarSelect[Any]:
    """The answers of the response whose id is `response_id` (a column or a parameter), as one
    value for a statement's column list: `answers_from` turns it into the dict `answers`
    returns."""
    return (select(answers_object(SurveyAnswer.question_id, SurveyAnswer.value))
            .where(SurveyAnswer.response_id == response_id).scalar_subquery())


def answers_from(value: dict[str, AnswerValue] | None) -> dict[str, AnswerValue]:
    return dict(value) if value else {}


async def save_answer(session: AsyncSession, response_id: int, question_id: str,
                      value: AnswerValue,
                      *, exists: bool | None = None) -> None:
    """`exists`: whether the response has an answer to the question, when the caller read its
    answers in this transaction (a new answer is then inserted without looking first)."""
    answer = None
    if exists or exists is None:
        answer = await session.scalar(select(SurveyAnswer).where(
            SurveyAnswer.response_id == response_id, SurveyAnswer.question_id == question_id))
    if answer is None:
        session.add(SurveyAnswer(response_id=response_id, question_id=question_id, value=value))
    else:
        answer.value = value
        answer.answered_at = utcnow()
    # No flush: the row is written with the update's other writes at its end, so SQLite's
    # single writer is not held while the bot talks to Telegram (bot/db.py WriteTurn).


async def delete_answers(session: AsyncSession, response_id: int, question_ids: list[str]) -> None:
    if question_ids:
        await session.execute(delete(SurveyAnswer).where(
            SurveyAnswer.response_id == response_id, SurveyAnswer.question_id.in_(question_ids)))


async def complete(session: AsyncSession, response: SurveyResponse) -> None:
    response.completed_at = response.completed_at or utcnow()
