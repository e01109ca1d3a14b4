"""«Новый цикл» from a completed programme: clone it (bot.services.lifecycle.next_cycle) and send personal
mentor links through the outbox to the mentors who want to continue and to the mentees who
want to become mentors (their final satisfaction answers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import DomainError
from bot.services.lifecycle import next_cycle
from bot.services.notices import outbox
from bot.services.people import invitations
from bot.services.programmes.programmes import ConsentBodies
from bot.services.reports import monitoring, monitoring_data
from models import Participation, ParticipationState, Programme, User


@dataclass(frozen=True)
class CycleResult:
    programme: Programme
    mentors: list[str]  # names of returning mentors who got a link
    future_mentors: list[str]  # names of mentees invited as mentors


def future_mentor_ids(records: list[monitoring.AnswerSet]) -> list[int]:
    """Mentees who answered "yes" to becoming a mentor (their latest final survey)."""
    latest: dict[int, monitoring.AnswerSet] = {}
    for record in records:
        if record.role == "mentee" and record.survey_id == monitoring.SATISFACTION_SURVEYS["mentee"]:
            latest[record.participation_id] = record
    return sorted(pid for pid, r in latest.items() if r.answers.get("want_become_mentor") == "yes")


async def _reachable(session: AsyncSession, ids: list[int]) -> dict[int, tuple[Participation, User]]:
    if not ids:
        return {}
    rows = (await session.execute(
        select(Participation, User).join(User, User.id == Participation.user_id)
        .where(Participation.id.in_(ids),
               Participation.state != ParticipationState.WITHDRAWN))).all()
    return {p.id: (p, u) for p, u in rows}


async def start_next_cycle(session: AsyncSession, consent: ConsentBodies, source: Programme,
                           *,
                           title: str, starts_on: date, ends_on: date, bot_username: str,
                           now: datetime) -> CycleResult:
    if source.state != "completed":
        raise DomainError("lifecycle.cycle.not_completed")
    data = await monitoring_data.load(session, source.id)
    willing = await _reachable(session, monitoring.willing_mentors(data.records))
    future = await _reachable(session, future_mentor_ids(data.records))
    cycle = await next_cycle.clone_programme(
        session, consent, source.id, title=title, starts_on=starts_on, ends_on=ends_on,
        mentor_participation_ids=sorted(willing))
    links = {m.previous_participation_id: m.invitation for m in cycle.invitations}
    for pid in sorted(future):
        links[pid] = await invitations.create(
            session, organisation_id=source.organisation_id, programme_id=cycle.programme.id,
            role="mentor", participation_id=pid, expires_in=next_cycle.MENTOR_LINK_LIFETIME,
            max_uses=1, now=now)
    people = {**willing, **future}
    new = cycle.programme
    for pid, link in links.items():
        participation, user = people[pid]
        kind = "mentor" if participation.role == "mentor" else "future"
        await outbox.enqueue(
            session, chat_id=user.telegram_id, user_id=user.id, kind="announcement", due_at=now,
            dedupe_key=f"cycle:{new.id}:mentor:{pid}", text_key=f"lifecycle.cycle.invite_{kind}",
            params={"title": new.title, "start": new.starts_on.strftime("%d.%m.%Y"),
                    "end": new.ends_on.strftime("%d.%m.%Y"), "previous": source.title},
            buttons=[[outbox.button(text_key="lifecycle.cycle.join_button",
                                    url=invitations.deep_link(bot_username, link.token))]],
            expires_at=link.expires_at, now=now, about=outbox.NOBODY)

    def names(group: dict[int, tuple[Participation, User]]) -> list[str]:
        return [p.full_name or f"#{p.id}" for p, _ in group.values()]
    return CycleResult(new, names(willing), names(future))
