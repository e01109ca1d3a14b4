"""Meetings of pairs: planning (propose, confirm, move, cancel), logging in a few taps, the
48-hour window for editing one's own log, and the stages logged meetings move a pair through.

Takes plain values, returns models/DTOs; refusals are DomainError / AccessDenied. Messages the
bot starts by itself go through bot.services.meetings.notify (the outbox)."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import AccessDenied, DomainError
from bot.services.lifecycle import completion
from bot.services.meetings import notify
from bot.services.meetings.people import (
    Attendee,
    PairView,
    attendees,
    group_of,
    meeting_pair_ids,
    require_meeting,
    require_pair,
)
from bot.services.programmes import states
from models import (
    MEETING_KINDS,
    PAIR_STAGES,
    Meeting,
    MeetingFormat,
    MeetingPair,
    MeetingState,
    Pair,
)

DURATIONS = (30, 45, 60, 90)
PLAN_DURATION = 60
EDIT_WINDOW = timedelta(hours=48)
MAX_PLACE = 200
MAX_NOTE = 1000
TOPICS = ("study", "career", "project", "skills", "wellbeing", "other")
LINK = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
PAST_DAYS = 14  # how far back a log may be dated


@dataclass(frozen=True)
class Target:
    """The pair(s) a meeting is for: one pair, or a mentor's whole group."""

    pairs: tuple[PairView, ...]
    me: PairView  # the acting person's view of the first pair

    @property
    def programme_id(self) -> int:
        return self.me.programme_id

    @property
    def mentor_id(self) -> int:
        return self.me.mentor_id


async def target(session: AsyncSession, user_id: int, pair_id: int, group: bool) -> Target:
    """The pair(s) of a new meeting: active pairs of this person in a programme that allows
    meetings (a completed programme's pair gets «the programme has ended», not a bare no)."""
    try:
        if group:
            pairs = await group_of(session, user_id, pair_id)
            found = Target(tuple(pairs), pairs[0])
        else:
            pair = await require_pair(session, user_id, pair_id)
            found = Target((pair,), pair)
    except AccessDenied:
        closed = await states.closed_pair_programme(session, user_id, pair_id)
        if closed is not None:
            await states.require(session, closed, states.Activity.MEET)
        raise
    await states.require_id(session, found.programme_id, states.Activity.MEET)
    return found


def next_kind(stage: str) -> str:
    """The kind preselected for the next meeting: the pair's stage names what comes next."""
    return stage if stage in MEETING_KINDS else "regular"


def stage_after(kind: str) -> str:
    index = PAIR_STAGES.index(kind)
    if kind in ("regular", "final"):
        return kind  # regular meetings repeat until the final one
    return PAIR_STAGES[index + 1]


def group_next_kind(t: Target) -> str:
    # For a group the least advanced pair decides.
    return min((next_kind(p.stage) for p in t.pairs), key=PAIR_STAGES.index)


def check_kind(kind: str) -> str:
    if kind not in MEETING_KINDS:
        raise AccessDenied()
    return kind


def check_place(fmt: str, text: str) -> str:
    value = (text or "").strip()
    if not value:
        raise DomainError("meetings.plan.place_empty")
    if len(value) > MAX_PLACE:
        raise DomainError("meetings.plan.place_too_long", limit=MAX_PLACE)
    if fmt == MeetingFormat.ONLINE and not LINK.match(value):
        raise DomainError("meetings.plan.bad_link")
    return value


def local_moment(day: date, hm: str, zone: str) -> datetime:
    """A picked day and HHMM in the person's zone, as an aware datetime."""
    hour, minute = int(hm[:2]), int(hm[2:])
    if not (0 <= hour < 24 and minute in (0, 30)):
        raise AccessDenied()
    return datetime.combine(day, time(hour, minute), ZoneInfo(zone))


# -- planning ------------------------------------------------------------------------------


async def propose(session: AsyncSession, *, user_id: int, pair_id: int,
                  group: bool, kind: str, starts_at: datetime, fmt: str, place: str,
                  now: datetime, default_timezone: str) -> Meeting:
    t = await target(session, user_id, pair_id, group)
    check_kind(kind)
    if fmt not in (MeetingFormat.OFFLINE, MeetingFormat.ONLINE):
        raise AccessDenied()
    place = check_place(fmt, place)
    if starts_at <= now:
        raise DomainError("meetings.plan.in_past")
    meeting = Meeting(programme_id=t.programme_id, mentor_id=t.mentor_id, kind=kind,
                      starts_at=starts_at, duration_minutes=PLAN_DURATION, format=fmt,
                      place=place, state=MeetingState.PROPOSED,
                      proposed_by=t.me.my_participation_id, sequence=0, topics=[],
                      created_at=now, updated_at=now)
    session.add(meeting)
    await session.flush()
    session.add_all([MeetingPair(meeting_id=meeting.id, pair_id=p.pair_id) for p in t.pairs])
    await session.flush()
    everyone = await attendees(session, meeting, default_timezone)
    await notify.proposal(session, meeting, everyone, _other_side(meeting, everyone), now)
    return meeting


def _other_side(meeting: Meeting, everyone: Sequence[Attendee]) -> list[Attendee]:
    proposer = next((a for a in everyone if a.participation_id == meeting.proposed_by), None)
    if proposer is None:
        return list(everyone)
    return [a for a in everyone if (a.role == "mentor") != (proposer.role == "mentor")]


async def confirm(session: AsyncSession, *, user_id: int,
                  meeting_id: int, now: datetime, default_timezone: str) -> Meeting:
    meeting, me = await require_meeting(session, user_id, meeting_id)
    if meeting.state == MeetingState.CONFIRMED:
        return meeting  # the other mentee of a group, or a second tap
    if meeting.state != MeetingState.PROPOSED:
        raise DomainError("meetings.plan.not_open")
    await states.require_id(session, meeting.programme_id, states.Activity.MEET)
    everyone = await attendees(session, meeting, default_timezone)
    if me.participation_id not in {a.participation_id for a in _other_side(meeting, everyone)}:
        raise DomainError("meetings.plan.own_proposal")
    if meeting.starts_at <= now:
        raise DomainError("meetings.plan.in_past")
    meeting.state = MeetingState.CONFIRMED
    meeting.updated_at = now
    await notify.withdraw_pending(session, meeting.id)
    await notify.scheduled(session, meeting, everyone, now)
    return meeting


async def move(session: AsyncSession, *, user_id: int, meeting_id: int,
               starts_at: datetime, now: datetime, default_timezone: str) -> Meeting:
    """Another time: a counter-proposal while proposed; a move (new SEQUENCE, new reminders,
    a new calendar file) once confirmed."""
    meeting, me = await require_meeting(session, user_id, meeting_id)
    if meeting.state not in (MeetingState.PROPOSED, MeetingState.CONFIRMED):
        raise DomainError("meetings.plan.not_open")
    await states.require_id(session, meeting.programme_id, states.Activity.MEET)
    if starts_at <= now:
        raise DomainError("meetings.plan.in_past")
    was_confirmed = meeting.state == MeetingState.CONFIRMED
    meeting.starts_at, meeting.time_given = starts_at, True
    meeting.sequence += 1
    meeting.updated_at = now
    await notify.withdraw_pending(session, meeting.id)
    everyone = await attendees(session, meeting, default_timezone)
    if was_confirmed:
        await notify.scheduled(session, meeting, everyone, now, moved=True)
    else:
        meeting.proposed_by = me.participation_id
        await notify.proposal(session, meeting, everyone, _other_side(meeting, everyone), now)
    return meeting


async def cancel(session: AsyncSession, *, user_id: int,
                 meeting_id: int, now: datetime, default_timezone: str) -> Meeting:
    meeting, me = await require_meeting(session, user_id, meeting_id)
    if meeting.state == MeetingState.CANCELLED:
        return meeting
    if meeting.state not in (MeetingState.PROPOSED, MeetingState.CONFIRMED):
        raise DomainError("meetings.plan.not_open")
    was_confirmed = meeting.state == MeetingState.CONFIRMED
    meeting.state = MeetingState.CANCELLED
    meeting.updated_at = now
    everyone = await attendees(session, meeting, default_timezone)
    await notify.cancelled(session, meeting, everyone, now,
                           was_confirmed=was_confirmed, by_participation=me.participation_id)
    return meeting


# -- logging -------------------------------------------------------------------------------


async def overdue(session: AsyncSession, user_id: int, mentor_ids: Collection[int], now: datetime
                  ) -> Meeting | None:
    """The oldest confirmed meeting of these mentor participations whose time has passed."""
    if not mentor_ids:
        return None
    return await session.scalar(
        select(Meeting).where(Meeting.mentor_id.in_(mentor_ids),
                              Meeting.state == MeetingState.CONFIRMED,
                              Meeting.starts_at <= now)
        .order_by(Meeting.starts_at, Meeting.id).limit(1))


async def mark_missed(session: AsyncSession, *, user_id: int, meeting_id: int, now: datetime
                      ) -> Meeting:
    meeting, me = await require_meeting(session, user_id, meeting_id)
    if me.role != "mentor":
        raise AccessDenied()
    if meeting.state not in (MeetingState.CONFIRMED, MeetingState.PROPOSED):
        raise DomainError("meetings.plan.not_open")
    meeting.state = MeetingState.MISSED
    meeting.updated_at = now
    await notify.withdraw_pending(session, meeting.id)
    return meeting


def log_start(day: date, duration: int, zone: str, now: datetime) -> datetime:
    """A stand-in for when a logged meeting started (only its day was given, and the meeting
    is stored with time_given=False, so nobody is shown this time): today it just ended; an
    earlier day, at noon there. It orders meetings and places them in their week."""
    tz = ZoneInfo(zone)
    if day >= now.astimezone(tz).date():
        return now - timedelta(minutes=duration)
    return datetime.combine(day, time(12, 0), tz)


def check_log_day(day: date, zone: str, now: datetime) -> date:
    today = now.astimezone(ZoneInfo(zone)).date()
    if day > today or day < today - timedelta(days=PAST_DAYS):
        raise DomainError("meetings.log.bad_day")
    return day


@dataclass(frozen=True)
class LogResult:
    meeting: Meeting
    created: bool  # False: the same card's second tap, or an edit


async def log(session: AsyncSession, *, user_id: int, pair_id: int,
              group: bool, kind: str, duration: int, day: date, meeting_id: int,
              log_key: str, zone: str, now: datetime, default_timezone: str) -> LogResult:
    """«Готово» on the logging card: logs a new meeting, a planned one, or saves an edit."""
    check_kind(kind)
    if duration not in DURATIONS:
        raise AccessDenied()
    if meeting_id:
        return await _log_existing(session, user_id=user_id, meeting_id=meeting_id,
                                   kind=kind, duration=duration, day=day, zone=zone, now=now,
                                   default_timezone=default_timezone)
    existing = await session.scalar(select(Meeting).where(Meeting.log_key == log_key))
    if existing is not None:
        await require_meeting(session, user_id, existing.id)
        return LogResult(existing, False)
    t = await target(session, user_id, pair_id, group)
    if t.me.my_role != "mentor":
        raise AccessDenied()
    check_log_day(day, zone, now)
    meeting = Meeting(programme_id=t.programme_id, mentor_id=t.mentor_id, kind=kind,
                      starts_at=log_start(day, duration, zone, now), time_given=False,
                      duration_minutes=duration,
                      state=MeetingState.DONE, logged_at=now, log_key=log_key, sequence=0,
                      topics=[], created_at=now, updated_at=now)
    session.add(meeting)
    await session.flush()
    session.add_all([MeetingPair(meeting_id=meeting.id, pair_id=p.pair_id) for p in t.pairs])
    await session.flush()
    await _after_logged(session, meeting, now, default_timezone)
    return LogResult(meeting, True)


async def _log_existing(session: AsyncSession, *, user_id: int,
                        meeting_id: int, kind: str, duration: int, day: date, zone: str,
                        now: datetime, default_timezone: str) -> LogResult:
    meeting, me = await require_meeting(session, user_id, meeting_id)
    if me.role != "mentor":
        raise AccessDenied()
    if meeting.state == MeetingState.DONE:
        require_editable(meeting, now)
        meeting.kind, meeting.duration_minutes = kind, duration
        meeting.updated_at = now
        await recompute_stages(session, meeting.id)
        await _after_final(session, meeting, now)
        return LogResult(meeting, False)
    await states.require_id(session, meeting.programme_id, states.Activity.MEET)
    if meeting.state not in (MeetingState.CONFIRMED, MeetingState.PROPOSED, MeetingState.MISSED):
        raise DomainError("meetings.plan.not_open")
    check_log_day(day, zone, now)
    if meeting.starts_at.astimezone(ZoneInfo(zone)).date() != day:
        # Held on another day than planned: the planned time no longer says when.
        meeting.starts_at = log_start(day, duration, zone, now)
        meeting.time_given = False
    meeting.kind, meeting.duration_minutes = kind, duration
    meeting.state = MeetingState.DONE
    meeting.logged_at = now
    meeting.updated_at = now
    await notify.withdraw_pending(session, meeting.id)
    await _after_logged(session, meeting, now, default_timezone)
    return LogResult(meeting, True)


async def _after_logged(session: AsyncSession, meeting: Meeting, now: datetime,
                        default_timezone: str) -> None:
    await recompute_stages(session, meeting.id)
    await notify.feedback(session, meeting, await attendees(session, meeting, default_timezone),
                          now)
    await _after_final(session, meeting, now)


async def _after_final(session: AsyncSession, meeting: Meeting, now: datetime) -> None:
    """A logged final meeting asks its pairs for the reflection (and the final surveys)."""
    if meeting.kind == "final":
        await completion.final_meeting(session, await meeting_pair_ids(session, meeting.id),
                                       now)


def require_editable(meeting: Meeting, now: datetime) -> None:
    if meeting.state != MeetingState.DONE or meeting.logged_at is None:
        raise DomainError("meetings.log.not_logged")
    if now - meeting.logged_at > EDIT_WINDOW:
        raise DomainError("meetings.log.edit_expired")


async def own_log(session: AsyncSession, user_id: int, meeting_id: int, now: datetime
                  ) -> Meeting:
    """A log this mentor may still change (48 hours after logging)."""
    meeting, me = await require_meeting(session, user_id, meeting_id)
    if me.role != "mentor":
        raise AccessDenied()
    require_editable(meeting, now)
    return meeting


async def delete_log(session: AsyncSession, *, user_id: int, meeting_id: int, now: datetime
                     ) -> None:
    meeting = await own_log(session, user_id, meeting_id, now)
    pair_ids = await meeting_pair_ids(session, meeting.id)
    await notify.feedback_withdrawn(session, meeting.id)
    if meeting.proposed_by is None:
        await session.execute(delete(MeetingPair).where(MeetingPair.meeting_id == meeting.id))
        await session.delete(meeting)
    else:  # a planned meeting that did not take place after all
        meeting.state, meeting.logged_at, meeting.updated_at = MeetingState.MISSED, None, now
    await session.flush()
    for pair_id in pair_ids:
        await _recompute_pair(session, pair_id)


async def set_note(session: AsyncSession, *, user_id: int, meeting_id: int, text: str,
                   now: datetime) -> Meeting:
    meeting = await own_log(session, user_id, meeting_id, now)
    value = (text or "").strip()
    if not value:
        raise DomainError("meetings.log.note_empty")
    if len(value) > MAX_NOTE:
        raise DomainError("meetings.log.note_too_long", limit=MAX_NOTE)
    meeting.note, meeting.updated_at = value, now
    return meeting


async def toggle_topic(session: AsyncSession, *, user_id: int, meeting_id: int, index: int,
                       now: datetime) -> Meeting:
    meeting = await own_log(session, user_id, meeting_id, now)
    if not 0 <= index < len(TOPICS):
        raise AccessDenied()
    topic = TOPICS[index]
    topics = list(meeting.topics or [])
    meeting.topics = [x for x in topics if x != topic] if topic in topics else [*topics, topic]
    meeting.updated_at = now
    return meeting


# -- stages ----------------------------------------------------------------------------------


async def recompute_stages(session: AsyncSession, meeting_id: int) -> None:
    for pair_id in await meeting_pair_ids(session, meeting_id):
        await _recompute_pair(session, pair_id)


async def _recompute_pair(session: AsyncSession, pair_id: int) -> None:
    """The furthest stage the pair's done meetings reach (intro → trial → planning → regular
    → final); a deleted log moves it back."""
    kinds = (await session.scalars(
        select(Meeting.kind).join(MeetingPair, MeetingPair.meeting_id == Meeting.id)
        .where(MeetingPair.pair_id == pair_id, Meeting.state == MeetingState.DONE))).all()
    stage = max((stage_after(k) for k in kinds), key=PAIR_STAGES.index, default="intro")
    pair = await session.get(Pair, pair_id)
    if pair is not None:
        pair.stage = stage
