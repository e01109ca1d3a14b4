"""Questionnaire answers in the database, saved one by one as they are given, so a restart
resumes at the next question."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import JSON, ScalarSelect, Table, bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction

from bot.db import defer_write, upsert_dialect
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


# An answer is one upsert on the table (Core), built once per dialect: no unit of work, and no
# read of an earlier answer to the same question first (issue #21).
_ANSWERS_TABLE = cast(Table, SurveyAnswer.__table__)


def _save_statement(insert: Any) -> Any:
    statement = insert(_ANSWERS_TABLE).values(
        response_id=bindparam("response_id"), question_id=bindparam("question_id"),
        value=bindparam("value", type_=_ANSWERS_TABLE.c.value.type), answered_at=bindparam("at"))
    return statement.on_conflict_do_update(
        index_elements=[_ANSWERS_TABLE.c.response_id, _ANSWERS_TABLE.c.question_id],
        set_={"value": statement.excluded.value, "answered_at": statement.excluded.answered_at})


_SAVE = {"postgresql": _save_statement(pg_insert), "sqlite": _save_statement(sqlite_insert)}


async def save_answer(session: AsyncSession, response_id: int, question_id: str,
                      value: AnswerValue) -> None:
    """Store the answer to a question (replacing an earlier one). Written with the
    transaction's next statement or at its commit (bot.db.defer_write): SQLite's single writer
    is not held while the bot talks to Telegram (bot/db.py WriteTurn)."""
    defer_write(session, _SAVE[upsert_dialect(session)], {
        "response_id": response_id, "question_id": question_id, "value": value, "at": utcnow()})


async def delete_answers(session: AsyncSession, response_id: int, question_ids: list[str]) -> None:
    if question_ids:
        await session.execute(delete(SurveyAnswer).where(
            SurveyAnswer.response_id == response_id, SurveyAnswer.question_id.in_(question_ids)))


async def complete(session: AsyncSession, response: SurveyResponse) -> None:
    response.completed_at = response.completed_at or utcnow()
