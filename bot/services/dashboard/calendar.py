"""The meetings calendar: a programme's meetings of a week or a month, by local day, with who
meets (two queries: the meetings with their mentors, then the mentees of those meetings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Meeting, MeetingPair, MeetingState, Pair, Participation

SPANS = ("week", "month")


@dataclass(frozen=True)
class CalendarMeeting:
    id: int
    day: date  # local
    starts_at: str  # local "HH:MM"; "" when only the day was given
    kind: str
    state: str
    duration_minutes: int
    mentor: str
    mentees: list[str]
    pair_ids: list[int]


@dataclass(frozen=True)
class CalendarSpan:
    first: date
    last: date  # inclusive
    meetings: list[CalendarMeeting]

    def count(self, state: str) -> int:
        return sum(m.state == state for m in self.meetings)

    @property
    def planned(self) -> int:
        return sum(m.state in (MeetingState.PROPOSED, MeetingState.CONFIRMED)
                   for m in self.meetings)


def span_of(day: date, span: str) -> tuple[date, date]:
    """The calendar week (Monday..Sunday) or month holding `day`."""
    if span == "month":
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    first = day - timedelta(days=day.weekday())
    return first, first + timedelta(days=6)


async def meetings_calendar(session: AsyncSession, programme_id: int, timezone: str,
                            first: date, last: date) -> CalendarSpan:
    zone = ZoneInfo(timezone)
    start = datetime.combine(first, time(0), zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), zone).astimezone(UTC)
    rows = (await session.execute(
        select(Meeting.id, Meeting.starts_at, Meeting.kind, Meeting.state,
               Meeting.duration_minutes, Participation.full_name, Participation.id,
               Meeting.time_given)
        .join(Participation, Participation.id == Meeting.mentor_id)
        .where(Meeting.programme_id == programme_id, Meeting.starts_at >= start,
               Meeting.starts_at < end)
        .order_by(Meeting.starts_at, Meeting.id))).all()
    mentees: dict[int, list[tuple[str, int]]] = {}
    if rows:
        for meeting_id, pair_id, name, mentee_id in await session.execute(
                select(MeetingPair.meeting_id, Pair.id, Participation.full_name,
                       Participation.id)
                .join(Pair, Pair.id == MeetingPair.pair_id)
                .join(Participation, Participation.id == Pair.mentee_id)
                .join(Meeting, Meeting.id == MeetingPair.meeting_id)
                .where(Meeting.programme_id == programme_id, Meeting.starts_at >= start,
                       Meeting.starts_at < end)
                .order_by(MeetingPair.meeting_id, MeetingPair.id)):
            mentees.setdefault(meeting_id, []).append((name or f"#{mentee_id}", pair_id))
    meetings = []
    for meeting_id, starts, kind, state, duration, mentor, mentor_id, time_given in rows:
        local = starts.astimezone(zone)
        people = mentees.get(meeting_id, [])
        meetings.append(CalendarMeeting(
            meeting_id, local.date(), local.strftime("%H:%M") if time_given else "", kind, state,
            duration or 0,
            mentor or f"#{mentor_id}", [name for name, _ in people],
            [pair_id for _, pair_id in people]))
    return CalendarSpan(first, last, meetings)
