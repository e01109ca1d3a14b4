"""The base of good practices: the pairs' main achievements from the reflection at completion,
and the curator's marks of the cases worth sharing (docs/lifecycle.md).

A story is listed only when its author agreed to share it (the reflection's
`share_as_practice`); "without my name" hides both names of the pair in the export. Every id
from a button is checked against the programme, so a forged one changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import AccessDenied
from models import Pair, Participation, PracticeMark, SurveyAnswer, SurveyResponse

REFLECTION = "reflection"
TEXT_QUESTION = "main_achievement"
SHARE_QUESTION = "share_as_practice"
SHARED = ("yes_named", "yes_anonymous")
PAGE_SIZE = 5
LIST_TEXT_LIMIT = 200  # characters of a story shown in the list; the export keeps it whole


@dataclass(frozen=True)
class Practice:
    response_id: int
    pair_id: int
    form: str
    mentor_name: str | None
    mentee_name: str | None
    author_role: str  # mentor, mentee
    text: str
    anonymous: bool
    submitted_at: datetime | None
    marked: bool


def _pair_id(context: str) -> int | None:
    parts = context.split(":")  # "pair:<id>:reflection"
    if len(parts) == 3 and parts[0] == "pair" and parts[2] == REFLECTION and parts[1].isdigit():
        return int(parts[1])
    return None


async def submitted(session: AsyncSession, programme_id: int) -> list[Practice]:
    """Every shareable achievement of the programme, oldest first."""
    rows = (await session.execute(
        select(SurveyResponse.id, SurveyResponse.context, SurveyResponse.completed_at,
               Participation.role, SurveyAnswer.question_id, SurveyAnswer.value)
        .join(Participation, Participation.id == SurveyResponse.participation_id)
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .where(Participation.programme_id == programme_id,
               SurveyResponse.survey_id == REFLECTION,
               SurveyResponse.completed_at.is_not(None),
               SurveyAnswer.question_id.in_((TEXT_QUESTION, SHARE_QUESTION)))
        .order_by(SurveyResponse.completed_at, SurveyResponse.id))).all()
    heads: dict[int, tuple[str, datetime | None, str]] = {}
    answers: dict[int, dict[str, object]] = {}
    for response_id, context, completed_at, role, question_id, value in rows:
        heads[response_id] = (context, completed_at, role)
        answers.setdefault(response_id, {})[question_id] = value
    pair_ids = {_pair_id(context) for context, _, _ in heads.values()} - {None}
    pairs = {p.id: p for p in (await session.scalars(select(Pair).where(
        Pair.id.in_(pair_ids), Pair.programme_id == programme_id))).all()} if pair_ids else {}
    member_ids = {i for p in pairs.values() for i in (p.mentor_id, p.mentee_id)}
    names = dict((await session.execute(select(Participation.id, Participation.full_name).where(
        Participation.id.in_(member_ids)))).all()) if member_ids else {}
    marked = set((await session.scalars(select(PracticeMark.response_id).where(
        PracticeMark.programme_id == programme_id))).all())
    found = []
    for response_id, (context, completed_at, role) in heads.items():
        given = answers[response_id]
        text = given.get(TEXT_QUESTION)
        pair = pairs.get(_pair_id(context) or 0)
        if pair is None or not isinstance(text, str) or not text.strip():
            continue
        if given.get(SHARE_QUESTION) not in SHARED:
            continue
        found.append(Practice(
            response_id=response_id, pair_id=pair.id, form=pair.form,
            mentor_name=names.get(pair.mentor_id), mentee_name=names.get(pair.mentee_id),
            author_role=role, text=text.strip(),
            anonymous=given.get(SHARE_QUESTION) == "yes_anonymous",
            submitted_at=completed_at, marked=response_id in marked))
    return found


async def page(session: AsyncSession, programme_id: int, number: int
               ) -> tuple[list[Practice], int, int]:
    """(the practices on page `number`, that page clamped, how many pages)."""
    found = await submitted(session, programme_id)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    number = min(max(number, 0), pages - 1)
    return found[number * PAGE_SIZE:(number + 1) * PAGE_SIZE], number, pages


async def toggle(session: AsyncSession, programme_id: int, response_id: int, user_id: int,
                 now: datetime) -> bool:
    """Mark or unmark a story of this programme; returns whether it is marked now."""
    if response_id not in {p.response_id for p in await submitted(session, programme_id)}:
        raise AccessDenied()
    existing = await session.scalar(select(PracticeMark).where(
        PracticeMark.response_id == response_id, PracticeMark.programme_id == programme_id))
    if existing is not None:
        await session.execute(delete(PracticeMark).where(PracticeMark.id == existing.id))
        await session.flush()
        return False
    session.add(PracticeMark(programme_id=programme_id, response_id=response_id,
                             marked_by_user_id=user_id, marked_at=now))
    await session.flush()
    return True


async def marked(session: AsyncSession, programme_id: int) -> list[Practice]:
    return [p for p in await submitted(session, programme_id) if p.marked]


def trimmed(text: str, limit: int = LIST_TEXT_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
