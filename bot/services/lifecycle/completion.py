"""The completion surveys before the curator completes anything (docs/lifecycle.md):

- N days before the programme's end (Programme.final_surveys_days, 7 by default, 0 = only when
  the curator completes it) the lifecycle job sends the final satisfaction, the exit
  self-assessment and the reflection to both members of every open pair, and tells the
  programme's curators how many participants got them;
- a logged final meeting sends the same surveys to that pair.

Both go through bot.services.lifecycle.monitoring_surveys.send with the same dedupe keys as completion itself, so
whichever comes first sends them and completing the pair or programme later sends nothing
again (a deleted and re-logged final meeting neither)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import DomainError
from bot.services.lifecycle import monitoring_surveys as lifecycle
from bot.services.notices import outbox
from bot.services.notices.notify import notify_curators
from models import Organisation, Pair, Participation, ParticipationState, Programme

MAX_DAYS = 60
# The prompts say «the programme is coming to its end» / «your final meeting is logged», not
# «completed» as lifecycle.prompt.* do.
BEFORE_END_KEY = "completion.prompt.{kind}"
AFTER_FINAL_KEY = "completion.after_final.{kind}"


def final_surveys_date(programme: Programme) -> date | None:
    """The local date the final surveys go out; None when only completion sends them."""
    days = programme.final_surveys_days
    if days is None:
        days = 7
    if days <= 0:
        return None
    return programme.ends_on - timedelta(days=days)


def set_days(programme: Programme, value: str) -> int:
    """The curator's answer (a number of days) -> saved; DomainError when it is not one."""
    text = (value or "").strip()
    if not text.isdigit() or int(text) > MAX_DAYS:
        raise DomainError("completion.days.invalid", max=MAX_DAYS)
    programme.final_surveys_days = int(text)
    return programme.final_surveys_days


async def final_due(session: AsyncSession, now: datetime) -> int:
    """Running programmes whose final-surveys date has come (local date, at the digest time):
    the completion surveys to every member of an open pair, once; returns new prompts."""
    rows = (await session.execute(
        select(Programme, Organisation.timezone).join(
            Organisation, Organisation.id == Programme.organisation_id)
        .where(Programme.state == "running"))).all()
    due: dict[int, Programme] = {}
    for programme, zone in rows:
        when = final_surveys_date(programme)
        if when is None:
            continue
        local = now.astimezone(ZoneInfo(zone))
        hour, minute = (int(x) for x in (programme.digest_time or "09:00").split(":"))
        if (local.date(), local.time()) >= (when, time(hour, minute)):
            due[programme.id] = programme
    if not due:
        return 0
    by_programme: dict[int, list[Pair]] = {}
    for pair in await session.scalars(select(Pair).where(
            Pair.programme_id.in_(due), Pair.state.in_(lifecycle.OPEN)).order_by(Pair.id)):
        by_programme.setdefault(pair.programme_id, []).append(pair)
    sent = 0
    for programme_id, pair_list in by_programme.items():
        reached: set[int] = set()
        sent += await lifecycle.send(session, lifecycle.COMPLETION_KINDS, pair_list, now,
                                     prompt_key=BEFORE_END_KEY, reached=reached)
        if reached:
            await notify_curators(
                session, programme_id, kind="reminder", text_key="completion.final_sent",
                dedupe_key=f"completion:final_sent:{programme_id}", now=now,
                params={"n": len(reached), "title": due[programme_id].title},
                about=outbox.NOBODY)
    return sent


async def final_meeting(session: AsyncSession, pair_ids: Iterable[int], now: datetime) -> int:
    """A final meeting was logged for these pairs: the reflection (and the final surveys, if
    they have not gone yet) to both members of each open one."""
    ids = set(pair_ids)
    if not ids:
        return 0
    pair_list = list((await session.scalars(select(Pair).where(
        Pair.id.in_(ids), Pair.state.in_(lifecycle.OPEN)).order_by(Pair.id))).all())
    return await lifecycle.send(session, lifecycle.COMPLETION_KINDS, pair_list, now,
                                prompt_key=AFTER_FINAL_KEY)


@dataclass(frozen=True)
class CompletionPreview:
    """What completing a programme will do, for the confirmation: its open pairs complete, and
    their members the bot can write to get the final surveys (once: those who already got
    them are not asked again)."""

    title: str
    pairs: int
    people: int


async def preview(session: AsyncSession, programme: Programme) -> CompletionPreview:
    open_pairs = select(Pair.mentor_id, Pair.mentee_id).where(
        Pair.programme_id == programme.id, Pair.state.in_(lifecycle.OPEN)).subquery()
    pairs = int(await session.scalar(select(func.count()).select_from(open_pairs)) or 0)
    people = int(await session.scalar(
        select(func.count(func.distinct(Participation.id))).where(
            (Participation.id.in_(select(open_pairs.c.mentor_id)))
            | (Participation.id.in_(select(open_pairs.c.mentee_id))),
            Participation.user_id.is_not(None),
            Participation.state != ParticipationState.WITHDRAWN)) or 0)
    return CompletionPreview(programme.title, pairs, people)
