"""The curator's weekly digest and /status: the programme's figures as a short text, and the
periodic job that queues the digest once per programme and ISO week.

The job queues the digest at its moment (due now), so the figures are those of the chosen
weekday and time even if delivery is delayed. The text has optional sections and lists of
names, so it is stored as a composition of translation keys with their parameters
(bot/services/notices/texts.py) and rendered by the sender in the chat's language; /status
renders the same composition, so the numbers and words agree."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import AccessDenied, DomainError
from bot.services.meetings.cadence import plan_button
from bot.services.notices import outbox
from bot.services.notices.buttons import Target
from bot.services.notices.notify import curator_chat_ids
from bot.services.notices.texts import Fragment, join, tr
from bot.services.people.access import require_curator
from bot.services.reports.programme_stats import (
    PAIR_STATES,
    ROLES,
    STATES,
    ProgrammeFigures,
    RoadmapLine,
    digest_moment,
    iso_week,
    programme_figures,
)
from models import (
    PAIR_STAGES,
    Organisation,
    OutboxMessage,
    Pair,
    PairState,
    Participation,
    Programme,
    User,
)
from models.base import utcnow

logger = logging.getLogger("mentorbot.digest")

WEEKDAYS = tuple(range(7))
DIGEST_TIMES = ("07:00", "08:00", "09:00", "10:00", "12:00", "14:00", "16:00", "18:00", "20:00")
MAX_NAMES = 10
MAX_ROADMAP = 5
NUDGE_EXPIRES = timedelta(days=2)
CHART_GENERATOR = "digest_chart"
BUTTON_CHARS = 64  # a nudge button names two people: long names are cut


def _names(names: list[str | Fragment], limit: int = MAX_NAMES) -> Fragment:
    shown = join(names[:limit], ", ")
    if len(names) > limit:
        return join([shown, tr("digest.more", count=len(names) - limit)], "")
    return shown


def _roadmap(lines: list[RoadmapLine]) -> Fragment:
    return _names([tr("digest.roadmap_item", label=line.label,
                      date=line.deadline.strftime("%d.%m") if line.deadline else "—")
                   for line in lines], MAX_ROADMAP)


def _score(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "—"


def figures_body(figures: ProgrammeFigures, heading_key: str) -> Fragment:
    """The programme at a glance, under the heading `heading_key` (digest.heading,
    status.heading), as translation keys with parameters."""
    lines: list[str | Fragment] = [tr(heading_key, title=figures.title,
                                      date=figures.today.strftime("%d.%m.%Y"))]
    for role in ROLES:
        states = figures.participants[role]
        detail = [tr(f"digest.state.{s}", n=states[s]) for s in STATES
                  if s != "withdrawn" and states[s]]
        people = tr(f"digest.people.{role}", count=figures.active(role))
        lines.append(join([people, " (", join(detail, ", "), ")"], "") if detail else people)
    share = figures.paired_share
    lines.append(tr("digest.pairs", count=figures.open_pairs,
                    share=f"{round(share * 100)}" if share is not None else "—"))
    stages = [tr(f"digest.stage.{s}", n=figures.pairs_by_stage[s]) for s in PAIR_STAGES
              if figures.pairs_by_stage.get(s)]
    if stages:
        lines.append(tr("digest.stages", stages=join(stages, ", ")))
    closed = {s: figures.pairs_by_state[s] for s in PAIR_STATES[2:] if figures.pairs_by_state[s]}
    if closed:
        lines.append(join([tr(f"digest.pair_state.{s}", n=n) for s, n in closed.items()], ", "))
    lines.append(tr("digest.meetings_weeks", this=figures.meetings_this_week,
                    last=figures.meetings_last_week))
    if figures.messages_this_week:
        lines.append(tr("channel.digest", n=figures.messages_this_week,
                        pairs=figures.pairs_writing,
                        total=figures.pairs_by_state.get(PairState.ACTIVE, 0)))
    if figures.feedback_avg is not None or figures.feedback_avg_prev is not None:
        lines.append(tr("digest.usefulness", score=_score(figures.feedback_avg),
                        trend=f" {figures.trend}" if figures.trend else "",
                        prev=_score(figures.feedback_avg_prev)))
    if figures.feedback_outstanding:
        lines.append(tr("digest.outstanding", n=figures.feedback_outstanding))
    for survey in figures.surveys:
        lines.append(tr("completion.digest.line", survey=tr(f"completion.survey.{survey.kind}"),
                        answered=survey.answered, sent=survey.sent))
    if figures.at_risk:
        lines.append(tr("digest.at_risk_cadence", days=figures.cadence_days,
                        n=len(figures.at_risk),
                        names=_names([p.label for p in figures.at_risk])))
    if figures.roadmap_overdue:
        lines.append(tr("digest.overdue", n=len(figures.roadmap_overdue),
                        items=_roadmap(figures.roadmap_overdue)))
    if figures.roadmap_upcoming:
        lines.append(tr("digest.upcoming", n=len(figures.roadmap_upcoming),
                        items=_roadmap(figures.roadmap_upcoming)))
    if figures.unreachable:
        lines.append(tr("digest.unreachable", n=len(figures.unreachable),
                        names=_names(list(figures.unreachable))))
    if figures.failed_deliveries:
        lines.append(tr("digest.failed", n=figures.failed_deliveries))
    return join(lines, "\n")


def nudge_button(pair_id: int, mentor: str, mentee: str) -> dict[str, Any]:
    return outbox.button(text_key="digest.nudge_button",
                         params={"mentor": mentor, "mentee": mentee},
                         target=Target.DIGEST_NUDGE, fields={"pair_id": pair_id},
                         max_chars=BUTTON_CHARS)


def survey_button(programme_id: int, kind: str) -> dict[str, Any]:
    return outbox.button(text_key="completion.remind_button",
                         params={"survey": {"$t": f"completion.survey.{kind}"}},
                         target=Target.SURVEY_REMIND,
                         fields={"programme_id": programme_id, "kind": kind})


def figures_buttons(figures: ProgrammeFigures) -> list[list[dict[str, Any]]]:
    """A «nudge the mentor» button per pair at risk (the first ones named in the text), then
    «remind those who have not answered» per open survey with people still to answer."""
    return ([[nudge_button(pair.pair_id, pair.mentor, pair.mentee)]
             for pair in figures.at_risk[:MAX_NAMES]]
            + [[survey_button(figures.programme_id, survey.kind)]
               for survey in figures.surveys if survey.waiting > 0])


def figures_message(figures: ProgrammeFigures, heading_key: str) -> dict[str, Any]:
    """The payload the sender (the digest) and /status render: body and buttons."""
    return {"body": figures_body(figures, heading_key), "buttons": figures_buttons(figures)}


def weekday_label(t: Callable[..., str], weekday: int) -> str:
    """The weekday's name; `t` is the caller's bound translator."""
    return t(f"digest.day.{weekday}")


# -- the curator's setting -----------------------------------------------------------------------

async def set_schedule(session: AsyncSession, user_id: int, programme_id: int, weekday: int,
                       at: str, now: datetime | None = None) -> Programme:
    """The digest's weekday and time; the first digest after the change comes at the next
    chosen moment from now (a moment of this week already past is not caught up)."""
    programme = await require_curator(session, user_id, programme_id)
    if weekday not in WEEKDAYS or at not in DIGEST_TIMES:
        raise AccessDenied()
    programme.digest_weekday, programme.digest_time = weekday, at
    programme.digest_since = now or utcnow()
    return programme


@dataclass(frozen=True)
class NextDigest:
    """When the weekly digest comes next: `moment` (UTC) and the organisation's zone; `state`
    is the programme's (only a running programme gets the weekly digest)."""

    moment: datetime
    timezone: str
    weekday: int
    at: str
    state: str


async def next_digest(session: AsyncSession, programme_id: int, now: datetime) -> NextDigest:
    """The next moment the weekly job will queue this programme's digest (if it runs then):
    this week's moment when it is still ahead, not before `digest_since` and not already
    queued this week; else next week's."""
    programme, timezone = (await session.execute(
        select(Programme, Organisation.timezone)
        .join(Organisation, Organisation.id == Programme.organisation_id)
        .where(Programme.id == programme_id))).one()
    moment = digest_moment(programme.digest_weekday, programme.digest_time, timezone, now)
    if moment < now or await _queued_this_week(session, programme, moment, timezone) or (
            programme.digest_since is not None and moment < programme.digest_since):
        moment = digest_moment(programme.digest_weekday, programme.digest_time, timezone,
                               now + timedelta(days=7))
    return NextDigest(moment, timezone, programme.digest_weekday, programme.digest_time,
                      programme.state)


# -- the weekly job ------------------------------------------------------------------------------

def dedupe_prefix(programme_id: int, week: str) -> str:
    return f"digest:{programme_id}:{week}"


def now_prefix(programme_id: int) -> str:
    """«Show the digest now»: keys of their own, so the weekly digest is never taken for one."""
    return f"digestnow:{programme_id}:"


async def _chat_locale(session: AsyncSession, chat_id: int, default: str) -> str:
    if chat_id < 0:  # a group: no one person's language
        return default
    locale = await session.scalar(select(User.locale).where(User.telegram_id == chat_id))
    return locale or default


async def _queued_this_week(session: AsyncSession, programme: Programme, moment: datetime,
                            timezone: str) -> bool:
    week = iso_week(moment, timezone)
    if programme.digest_week == week:
        return True
    already = await session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.dedupe_key.like(dedupe_prefix(programme.id, week) + ":%")).limit(1))
    return already is not None


async def _enqueue_digest(session: AsyncSession, programme_id: int, chats: list[int],
                          prefix: str, now: datetime, default_locale: str) -> int:
    """The digest (and its chart when there are meetings) to each chat, due now, under
    dedupe keys starting with `prefix`; the number of digests queued."""
    figures = await programme_figures(session, programme_id, now)
    message = figures_message(figures, "digest.heading")
    queued = 0
    for chat_id in chats:
        # A group has no one person's language; a private chat's is looked up again at send time.
        locale = await _chat_locale(session, chat_id, default_locale)
        queued += await outbox.enqueue(
            session, chat_id=chat_id, kind="digest", due_at=now, body=message["body"],
            locale=locale, dedupe_key=f"{prefix}:chat:{chat_id}", now=now,
            buttons=message["buttons"] or None,
            about=outbox.about(figures.named_participations))
        if figures.has_meetings:
            await outbox.enqueue(
                session, chat_id=chat_id, kind="digest", due_at=now, locale=locale,
                text_key="digest.chart_caption", dedupe_key=f"{prefix}:chart:chat:{chat_id}",
                attachment={"type": "photo", "generator": CHART_GENERATOR, "args": {
                    "series": [[p.week_start.isoformat(), p.meetings, p.avg_score]
                               for p in figures.chart_series]}}, now=now, about=outbox.NOBODY)
    return queued


async def queue_digest(session: AsyncSession, programme_id: int, now: datetime,
                       default_locale: str) -> int:
    """Queue this week's digest for the programme's curator chats; the number of rows queued
    (0 when it was already queued this week, or its moment is ahead or before digest_since)."""
    programme, timezone = (await session.execute(
        select(Programme, Organisation.timezone)
        .join(Organisation, Organisation.id == Programme.organisation_id)
        .where(Programme.id == programme_id))).one()
    return await _queue_weekly(session, programme, timezone, now, default_locale)


async def _queue_weekly(session: AsyncSession, programme: Programme, timezone: str,
                        now: datetime, default_locale: str) -> int:
    moment = digest_moment(programme.digest_weekday, programme.digest_time, timezone, now)
    if now < moment or (programme.digest_since is not None and moment < programme.digest_since):
        return 0
    week = iso_week(moment, timezone)
    if await _queued_this_week(session, programme, moment, timezone):
        if programme.digest_week != week:  # found in the outbox: not asked again this week
            programme.digest_week = week
        return 0
    chats = await curator_chat_ids(session, programme.id)
    if not chats:
        return 0
    programme.digest_week = week
    return await _enqueue_digest(session, programme.id, chats,
                                 dedupe_prefix(programme.id, week), now, default_locale)


async def queue_due_digests(session: AsyncSession, now: datetime, default_locale: str) -> int:
    """Run every minute: one query for the running programmes; the outbox is asked only about
    programmes whose moment has come and whose week is not marked done."""
    rows = (await session.execute(
        select(Programme, Organisation.timezone)
        .join(Organisation, Organisation.id == Programme.organisation_id)
        .where(Programme.state == "running").order_by(Programme.id))).all()
    queued = 0
    for programme, timezone in rows:
        queued += await _queue_weekly(session, programme, timezone, now, default_locale)
    return queued


# -- «show the digest now» from the programme card --------------------------------------------

DOUBLE_TAP = timedelta(seconds=60)  # a second press within this time sends nothing more


@dataclass(frozen=True)
class ShownNow:
    queued: bool  # False: one was queued moments ago (a double tap)
    to_group: bool  # True: the bound curator chat; False: the presser's private chat


async def show_now(session: AsyncSession, user_id: int, programme_id: int, now: datetime,
                   default_locale: str) -> ShownNow:
    """The programme's digest as it would look now, to the bound curator chat (else to the
    curator who asked, privately). The weekly digest is untouched: its own keys, its own week.
    A press within DOUBLE_TAP of the last one queues nothing."""
    programme = await require_curator(session, user_id, programme_id)
    person = await session.get(User, user_id)
    chat = programme.curator_chat_id
    to_group = chat is not None
    if chat is None:
        if person is None:
            raise AccessDenied()
        chat = person.telegram_id
    recent = await session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key.like(now_prefix(programme.id) + "%"),
                                       OutboxMessage.created_at > now - DOUBLE_TAP).limit(1))
    if recent is not None:
        return ShownNow(False, to_group)
    # The minute in the key: two presses racing in one minute meet at the unique key.
    prefix = now_prefix(programme.id) + now.strftime("%Y%m%d%H%M")
    queued = await _enqueue_digest(session, programme.id, [chat], prefix, now, default_locale)
    return ShownNow(bool(queued), to_group)


# -- «nudge the mentor» from the digest or /status ----------------------------------------------

async def nudge_mentor(session: AsyncSession, user_id: int, pair_id: int, now: datetime
                       ) -> tuple[bool, str]:
    """A curator asks the mentor of a pair to plan a meeting: one outbox message to the mentor,
    at most once per pair and day (local date). (queued now?, mentor's name)."""
    pair = await session.get(Pair, pair_id)
    if pair is None:
        raise AccessDenied()
    programme = await require_curator(session, user_id, pair.programme_id)
    if pair.state != PairState.ACTIVE:
        raise DomainError("digest.nudge.inactive")
    mentor, mentee = (await session.get(Participation, pair.mentor_id),
                      await session.get(Participation, pair.mentee_id))
    person = await session.get(User, mentor.user_id) if mentor and mentor.user_id else None
    if mentor is None or person is None or person.unreachable:
        raise DomainError("digest.nudge.unreachable")
    timezone = await session.scalar(select(Organisation.timezone)
                                    .where(Organisation.id == programme.organisation_id))
    day = now.astimezone(ZoneInfo(timezone or "UTC")).date().isoformat()
    button = plan_button(pair.id)
    queued = await outbox.enqueue(
        session, chat_id=person.telegram_id, user_id=person.id, kind="reminder", due_at=now,
        dedupe_key=f"pair:{pair.id}:curator_nudge:{day}", text_key="digest.nudge.mentor",
        params={"mentee": (mentee.full_name if mentee else None) or "—"},
        buttons=[[button]], expires_at=now + NUDGE_EXPIRES, now=now,
        about=outbox.about([pair.mentee_id]))
    return bool(queued), mentor.full_name or f"#{mentor.id}"
