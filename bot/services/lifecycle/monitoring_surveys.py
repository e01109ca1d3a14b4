"""Monitoring surveys sent by the bot over a programme's life (docs/lifecycle.md): the entry
self-assessment when a pair is formed, the midterm control on the curator's date, and at
completion the final satisfaction, the exit self-assessment and the reflection.

Everything goes through the outbox. A prompt's dedupe key is
`survey:<survey_id>:<context>:<participation_id>`; its reminders add `:r24` / `:r72` and are
cancelled when the response is completed, so a rerun never sends twice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.lifecycle import LifecycleCardCallback, LifecycleSurveyCallback
from bot.services.errors import DomainError
from bot.services.notices import outbox
from models import (
    Curator,
    Organisation,
    Pair,
    PairState,
    Participation,
    Programme,
    SurveyResponse,
    User,
)

REMINDERS = (("r24", timedelta(hours=24)), ("r72", timedelta(hours=72)))
# A late answer still counts for the report; one after the reports are printed does not.
ANSWER_WINDOW = timedelta(days=14)
OPEN = (PairState.ACTIVE, PairState.PAUSED)


@dataclass(frozen=True)
class Kind:
    survey: str  # survey id; "{role}" is replaced by mentor / mentee
    context: str  # "{pair}" / "{programme}" are replaced by ids
    pair_states: tuple[str, ...]  # the pair states in which the survey may be answered


KINDS: dict[str, Kind] = {
    "entry": Kind("entry_self_assessment_{role}", "pair:{pair}:entry",
                  (*OPEN, PairState.COMPLETED)),
    "mid": Kind("midterm_control", "pair:{pair}:midterm", (*OPEN, PairState.COMPLETED)),
    # The completion surveys may come before the pair is completed: N days before the end or
    # after the pair's final meeting (bot.services.lifecycle.completion).
    "fin": Kind("final_satisfaction_{role}", "programme:{programme}:final",
                (*OPEN, PairState.COMPLETED)),
    "exit": Kind("exit_self_assessment_{role}", "pair:{pair}:exit", (*OPEN, PairState.COMPLETED)),
    "refl": Kind("reflection", "pair:{pair}:reflection", (*OPEN, PairState.COMPLETED)),
}
COMPLETION_KINDS = ("fin", "exit", "refl")
# The curator's questionnaire about the programme's conditions: answered as a user (curators
# have no participation), once per programme.
CONDITIONS_SURVEY = "curator_conditions"


def survey_of(kind: str, role: str, pair: Pair) -> tuple[str, str]:
    """(survey id, response context) of a kind for one member of a pair."""
    spec = KINDS.get(kind)
    if spec is None:
        raise DomainError("lifecycle.survey.unknown")
    return (spec.survey.format(role=role),
            spec.context.format(pair=pair.id, programme=pair.programme_id))


def check_pair_state(kind: str, pair: Pair) -> None:
    if pair.state not in KINDS[kind].pair_states:
        raise DomainError("lifecycle.survey.closed")


def _key(survey_id: str, context: str, owner: int | str) -> str:
    """owner: the participation id, or "u<user id>" for a curator's own questionnaire."""
    return f"survey:{survey_id}:{context}:{owner}"


def conditions_context(programme_id: int) -> str:
    return f"programme:{programme_id}:conditions"


def expires_of(programme: Programme) -> datetime:
    return datetime.combine(programme.ends_on + ANSWER_WINDOW, time(), tzinfo=UTC)


async def _members(session: AsyncSession, pair_list: Sequence[Pair]
                   ) -> dict[int, tuple[Participation, User | None]]:
    ids = {i for p in pair_list for i in (p.mentor_id, p.mentee_id)}
    if not ids:
        return {}
    rows = (await session.execute(
        select(Participation, User).outerjoin(User, User.id == Participation.user_id)
        .where(Participation.id.in_(ids)))).all()
    return {participation.id: (participation, user) for participation, user in rows}


async def send(session: AsyncSession, kinds: Sequence[str], pair_list: Sequence[Pair],
               now: datetime, *, prompt_key: str = "lifecycle.prompt.{kind}",
               reached: set[int] | None = None) -> int:
    """Prompts (and their reminders) for both members of each pair; returns new prompts.
    `reached` collects the participations that got a new prompt."""
    if not pair_list:
        return 0
    members = await _members(session, pair_list)
    programmes = {p.id: p for p in (await session.scalars(select(Programme).where(
        Programme.id.in_({p.programme_id for p in pair_list})))).all()}
    sent = 0
    for pair in pair_list:
        programme = programmes[pair.programme_id]
        expires = expires_of(programme)
        for role, participation_id in (("mentor", pair.mentor_id), ("mentee", pair.mentee_id)):
            participation, user = members.get(participation_id, (None, None))
            if participation is None or user is None or participation.state == "withdrawn":
                continue
            for kind in kinds:
                survey_id, context = survey_of(kind, role, pair)
                key = _key(survey_id, context, participation_id)
                button = [[outbox.button(
                    text_key=f"lifecycle.button.{kind}",
                    callback_data=LifecycleSurveyCallback(kind=kind, pair=pair.id).pack())]]
                params = {"programme": programme.title}
                fields = dict(chat_id=user.telegram_id, user_id=user.id, kind="survey_prompt",
                              params=params, buttons=button, expires_at=expires, now=now,
                              about=outbox.NOBODY)
                if await outbox.enqueue(session, due_at=now, dedupe_key=key,
                                        text_key=prompt_key.format(kind=kind), **fields):
                    sent += 1
                    if reached is not None:
                        reached.add(participation_id)
                for label, after in REMINDERS:
                    await outbox.enqueue(session, due_at=now + after, dedupe_key=f"{key}:{label}",
                                         text_key=f"lifecycle.reminder.{kind}", **fields)
    return sent


async def entry(session: AsyncSession, pair_list: Sequence[Pair], now: datetime) -> int:
    return await send(session, ("entry",), pair_list, now)


async def completion(session: AsyncSession, pair_list: Sequence[Pair], now: datetime) -> int:
    return await send(session, COMPLETION_KINDS, pair_list, now)


async def completed(session: AsyncSession, response_id: int) -> int:
    """A response completed: its reminders are not needed any more."""
    response = await session.get(SurveyResponse, response_id)
    if response is None:
        return 0
    owner = (response.participation_id if response.participation_id is not None
             else f"u{response.user_id}")
    return await outbox.cancel(session, dedupe_prefix=_key(
        response.survey_id, response.context, owner) + ":r")


async def curator_conditions(session: AsyncSession, programme_id: int, now: datetime) -> int:
    """The conditions questionnaire (and its reminders) to each curator of the programme, in
    their private chat; returns new prompts."""
    programme = await session.get(Programme, programme_id)
    if programme is None:
        return 0
    rows = (await session.execute(
        select(User.id, User.telegram_id).join(Curator, Curator.user_id == User.id)
        .where(Curator.organisation_id == programme.organisation_id)
        .order_by(User.id))).all()
    context = conditions_context(programme.id)
    button = [[outbox.button(text_key="practices.button.conditions",
                             callback_data=LifecycleCardCallback(
                                 action="cond", programme_id=programme.id).pack())]]
    sent = 0
    for user_id, telegram_id in rows:
        key = _key(CONDITIONS_SURVEY, context, f"u{user_id}")
        fields = dict(chat_id=telegram_id, user_id=user_id, kind="survey_prompt",
                      params={"programme": programme.title}, buttons=button,
                      expires_at=expires_of(programme), now=now, about=outbox.NOBODY)
        if await outbox.enqueue(session, due_at=now, dedupe_key=key,
                                text_key="practices.prompt.conditions", **fields):
            sent += 1
        for label, after in REMINDERS:
            await outbox.enqueue(session, due_at=now + after, dedupe_key=f"{key}:{label}",
                                 text_key="practices.reminder.conditions", **fields)
    return sent


async def complete_programme(session: AsyncSession, programme_id: int, now: datetime
                             ) -> list[Pair]:
    """Complete every open pair of the programme and send the completion surveys."""
    open_pairs = list((await session.scalars(select(Pair).where(
        Pair.programme_id == programme_id, Pair.state.in_(OPEN)).order_by(Pair.id))).all())
    for pair in open_pairs:
        pair.state = PairState.COMPLETED
        pair.ended_at = now
    await session.flush()
    await completion(session, open_pairs, now)
    await curator_conditions(session, programme_id, now)
    return open_pairs


# -- midterm ---------------------------------------------------------------------------------

def midterm_date(programme: Programme) -> date:
    chosen = getattr(programme, "midterm_on", None)
    if chosen is not None:
        return chosen
    return programme.starts_on + (programme.ends_on - programme.starts_on) / 2


async def midterm_due(session: AsyncSession, now: datetime) -> int:
    """Running programmes whose midterm date has come (in the organisation's zone, at the
    digest time): the midterm control to every member of an open pair, once."""
    rows = (await session.execute(
        select(Programme, Organisation.timezone).join(
            Organisation, Organisation.id == Programme.organisation_id)
        .where(Programme.state == "running"))).all()
    due_ids: list[int] = []
    for programme, zone in rows:
        local = now.astimezone(ZoneInfo(zone))
        hour, minute = (int(x) for x in (programme.digest_time or "09:00").split(":"))
        when = midterm_date(programme)
        if when > programme.ends_on:
            continue
        if (local.date(), local.time()) >= (when, time(hour, minute)):
            due_ids.append(programme.id)
    if not due_ids:
        return 0
    pair_list = list((await session.scalars(select(Pair).where(
        Pair.programme_id.in_(due_ids), Pair.state.in_(OPEN)).order_by(Pair.id))).all())
    return await send(session, ("mid",), pair_list, now)


async def pair_ended_early(session: AsyncSession, pair: Pair) -> int:
    """A pair ended early gets no more surveys about it: pending prompts and reminders go."""
    total = 0
    for kind in ("entry", "mid", "exit", "refl"):  # contexts of this pair only
        for role in ("mentor", "mentee"):
            survey_id, context = survey_of(kind, role, pair)
            total += await outbox.cancel(session, dedupe_prefix=f"survey:{survey_id}:{context}:")
    # The final rating is per programme: its reminders stop unless the person has another pair.
    for role, participation_id in (("mentor", pair.mentor_id), ("mentee", pair.mentee_id)):
        other = await session.scalar(select(Pair.id).where(
            Pair.id != pair.id, Pair.state.in_((*OPEN, PairState.COMPLETED)),
            (Pair.mentor_id == participation_id) | (Pair.mentee_id == participation_id)).limit(1))
        if other is None:
            survey_id, context = survey_of("fin", role, pair)
            total += await outbox.cancel(
                session, dedupe_prefix=_key(survey_id, context, participation_id) + ":r")
    return total
