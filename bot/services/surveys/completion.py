"""How many answered each monitoring survey sent in a programme, and the curator's «remind
those who have not answered» (the weekly digest and /status, docs/digest.md).

A survey counts as sent when its prompt is in the outbox (key
`survey:<survey_id>:<context>:<participation_id>`, bot.services.lifecycle.monitoring_surveys) and was not
cancelled, and as answered when the response with that survey, context and participation is
completed. `survey_lines` is one grouped query (part of programme_stats.QUERIES): the kind is
told by the context in the key, the response is joined by rebuilding the key in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, case, cast, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import AccessDenied
from bot.services.notices import outbox
from bot.services.people.access import require_curator
from models import (
    Organisation,
    OutboxMessage,
    OutboxState,
    Participation,
    ParticipationState,
    SurveyResponse,
    User,
)

# lifecycle kind -> the last part of its response context (bot.services.lifecycle.monitoring_surveys.KINDS)
CONTEXTS = {"entry": "entry", "mid": "midterm", "fin": "final", "exit": "exit",
            "refl": "reflection"}


@dataclass(frozen=True)
class SurveyLine:
    kind: str  # entry, mid, fin, exit, refl
    sent: int
    answered: int

    @property
    def waiting(self) -> int:
        return self.sent - self.answered


def _prompts(programme_id: int):
    """(kind, prompt row, participation, completed response or NULL) of the programme's
    monitoring prompts that were not cancelled; a FROM clause to select from."""
    pid = cast(Participation.id, String)
    kind = case(*[(OutboxMessage.dedupe_key.like(literal(f"survey:%:{tail}:") + pid), name)
                  for name, tail in CONTEXTS.items()], else_=None)
    key_of_response = (literal("survey:") + SurveyResponse.survey_id + ":"
                       + SurveyResponse.context + ":" + pid)
    return (select(kind.label("kind"), OutboxMessage.id.label("prompt_id"),
                   OutboxMessage.expires_at.label("expires_at"),
                   SurveyResponse.id.label("response_id"))
            .join(Participation, and_(Participation.user_id == OutboxMessage.user_id,
                                      Participation.programme_id == programme_id))
            .outerjoin(SurveyResponse, and_(SurveyResponse.participation_id == Participation.id,
                                            SurveyResponse.completed_at.is_not(None),
                                            key_of_response == OutboxMessage.dedupe_key))
            .where(OutboxMessage.kind == "survey_prompt",
                   OutboxMessage.state != OutboxState.CANCELLED,
                   OutboxMessage.dedupe_key.like("survey:%"),
                   Participation.state != ParticipationState.WITHDRAWN))


async def survey_lines(session: AsyncSession, programme_id: int, now: datetime
                       ) -> list[SurveyLine]:
    """One line per survey kind sent in the programme whose answer window is still open."""
    rows = _prompts(programme_id).subquery()
    answered = func.count(func.distinct(case((rows.c.response_id.is_not(None),
                                              rows.c.prompt_id))))
    found = {}
    for kind, sent, done, expires in await session.execute(
            select(rows.c.kind, func.count(func.distinct(rows.c.prompt_id)), answered,
                   func.max(rows.c.expires_at))
            .where(rows.c.kind.is_not(None)).group_by(rows.c.kind)):
        if expires is None or _aware(expires) > now:
            found[kind] = SurveyLine(kind, sent, done)
    return [found[kind] for kind in CONTEXTS if kind in found]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def remind(session: AsyncSession, user_id: int, programme_id: int, kind: str,
                 now: datetime) -> int:
    """One reminder to each person who has not answered this survey of the programme, at most
    once per person, survey and local day (pressing twice, or two curators, send one).
    Returns the reminders queued now. Only the programme's curators may ask."""
    programme = await require_curator(session, user_id, programme_id)
    if kind not in CONTEXTS:
        raise AccessDenied()
    timezone = await session.scalar(select(Organisation.timezone)
                                    .where(Organisation.id == programme.organisation_id))
    day = now.astimezone(ZoneInfo(timezone or "UTC")).date().isoformat()
    base = _prompts(programme.id).subquery()
    rows = await session.execute(
        select(OutboxMessage.id, OutboxMessage.dedupe_key, OutboxMessage.chat_id,
               OutboxMessage.user_id, OutboxMessage.payload, OutboxMessage.expires_at)
        .join(base, base.c.prompt_id == OutboxMessage.id)
        .join(User, User.id == OutboxMessage.user_id)
        .where(base.c.kind == kind, base.c.response_id.is_(None),
               User.unreachable.is_(False),
               or_(OutboxMessage.expires_at.is_(None), OutboxMessage.expires_at > now))
        .order_by(OutboxMessage.id))
    queued = 0
    for prompt_id, key, chat_id, person, payload, expires in rows:
        # ":r…" so that completing the survey cancels it like the automatic reminders.
        queued += await outbox.enqueue(
            session, chat_id=chat_id, user_id=person, kind="survey_prompt", due_at=now,
            dedupe_key=f"{key}:rc{day}", text_key=f"lifecycle.reminder.{kind}",
            params=payload.get("params"), buttons=payload.get("buttons"),
            expires_at=_aware(expires) if expires else None, now=now,
            about=await outbox.about_of(session, prompt_id))  # what the prompt it repeats holds
    return queued
