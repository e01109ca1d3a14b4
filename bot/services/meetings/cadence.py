"""How pairs keep their cadence: the last meeting of every active pair in one query, nudges to
mentors before the limit, the pairs at risk for the curator, meeting counts for digests, and
the mentee's alarm «my mentor does not answer»."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import DomainError
from bot.services.meetings.people import require_pair
from bot.services.notices import notify, outbox
from bot.services.notices.buttons import Target
from models import (
    Meeting,
    MeetingPair,
    MeetingState,
    Pair,
    PairMessage,
    PairState,
    Participation,
    Programme,
    User,
)
from models.pair_sides import MenteeSide, MentorSide

NUDGE_LEAD_DAYS = 4  # nudge the mentor this many days before the cadence limit


@dataclass(frozen=True)
class PairCadence:
    pair_id: int
    programme_id: int
    mentor_id: int
    mentee_id: int
    mentor_name: str | None
    mentee_name: str | None
    cadence_days: int
    last_meeting_at: datetime | None  # None: no meeting yet (counted from the pairing)
    since: datetime  # the last meeting, or when the pair was formed
    days_without: int
    # The pair's last message through the bot (docs/pair-channel.md); None: none yet.
    last_message_at: datetime | None = None
    now: datetime | None = None

    @property
    def nudge_after(self) -> int:
        return max(1, self.cadence_days - NUDGE_LEAD_DAYS)

    @property
    def silent(self) -> bool:
        """No message through the bot for the cadence either."""
        if self.last_message_at is None or self.now is None:
            return True
        return (self.now - self.last_message_at).days >= self.cadence_days

    @property
    def at_risk(self) -> bool:
        """No meeting AND no message through the bot for the programme's cadence."""
        return self.days_without >= self.cadence_days and self.silent

    @property
    def needs_nudge(self) -> bool:
        return self.days_without >= self.nudge_after


@dataclass(frozen=True)
class MeetingCounts:
    done: int = 0
    planned: int = 0  # proposed or confirmed
    cancelled: int = 0
    missed: int = 0


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


async def cadence(session: AsyncSession, now: datetime, programme_id: int | None = None
                  ) -> list[PairCadence]:
    """Every active pair with the days since its last done meeting: ONE query (the last meeting
    per pair comes from a GROUP BY subquery)."""
    last = (select(MeetingPair.pair_id.label("pair_id"),
                   func.max(Meeting.starts_at).label("last_at"))
            .join(Meeting, Meeting.id == MeetingPair.meeting_id)
            .where(Meeting.state == MeetingState.DONE)
            .group_by(MeetingPair.pair_id).subquery())
    written = (select(PairMessage.pair_id.label("pair_id"),
                      func.max(PairMessage.sent_at).label("last_at"))
               .group_by(PairMessage.pair_id).subquery())
    mentor, mentee = MentorSide, MenteeSide
    query = (select(Pair.id, Pair.programme_id, Pair.mentor_id, Pair.mentee_id, Pair.created_at,
                    mentor.full_name, mentee.full_name, Programme.cadence_days, last.c.last_at,
                    written.c.last_at)
             .join(Programme, Programme.id == Pair.programme_id)
             .join(mentor, mentor.id == Pair.mentor_id).join(mentee, mentee.id == Pair.mentee_id)
             .outerjoin(last, last.c.pair_id == Pair.id)
             .outerjoin(written, written.c.pair_id == Pair.id)
             .where(Pair.state == PairState.ACTIVE).order_by(Pair.id))
    if programme_id is not None:
        query = query.where(Pair.programme_id == programme_id)
    result = []
    for (pair_id, prog_id, mentor_id, mentee_id, created, mentor_name, mentee_name, days,
         last_at, written_at) in (await session.execute(query)).all():
        last_at = _as_utc(last_at) if last_at is not None else None
        since = last_at or _as_utc(created)
        result.append(PairCadence(pair_id, prog_id, mentor_id, mentee_id, mentor_name,
                                  mentee_name, days or 14, last_at, since,
                                  max(0, (now - since).days),
                                  _as_utc(written_at) if written_at is not None else None, now))
    return result


def _end_of(today: date) -> datetime:
    return datetime.combine(today, time(23, 59, 59), UTC)


async def pairs_at_risk(session: AsyncSession, programme_id: int, today: date
                        ) -> list[PairCadence]:
    """Pairs of a programme without a meeting and without a message through the bot for the
    programme's cadence (14 days by default) as of the end of `today`: what the curator's
    digest lists."""
    return [p for p in await cadence(session, _end_of(today), programme_id) if p.at_risk]


def at_risk(cadence_days: int | None, today: date) -> ColumnElement[bool]:
    """The rule of pairs_at_risk as a condition on Pair (for one programme, whose cadence is
    given), so a list can filter and page in SQL: an active pair whose last done meeting, or
    its forming, and whose last message through the bot (if any) are at least the cadence's
    days before the end of `today`."""
    last = (select(func.max(Meeting.starts_at))
            .join(MeetingPair, MeetingPair.meeting_id == Meeting.id)
            .where(MeetingPair.pair_id == Pair.id, Meeting.state == MeetingState.DONE)
            .correlate(Pair).scalar_subquery())
    written = (select(func.max(PairMessage.sent_at)).where(PairMessage.pair_id == Pair.id)
               .correlate(Pair).scalar_subquery())
    limit = _end_of(today) - timedelta(days=cadence_days or 14)
    return and_(Pair.state == PairState.ACTIVE, func.coalesce(last, Pair.created_at) <= limit,
                or_(written.is_(None), written <= limit))


async def meetings_between(session: AsyncSession, programme_id: int, start: datetime,
                           end: datetime) -> MeetingCounts:
    """Meetings of a programme starting in [start, end), by state."""
    rows = (await session.execute(
        select(Meeting.state, func.count()).where(
            Meeting.programme_id == programme_id, Meeting.starts_at >= start,
            Meeting.starts_at < end).group_by(Meeting.state))).all()
    by_state = dict(rows)
    return MeetingCounts(
        done=by_state.get(MeetingState.DONE, 0),
        planned=by_state.get(MeetingState.PROPOSED, 0) + by_state.get(MeetingState.CONFIRMED, 0),
        cancelled=by_state.get(MeetingState.CANCELLED, 0),
        missed=by_state.get(MeetingState.MISSED, 0))


def plan_button(pair_id: int) -> dict[str, object]:
    """«Plan a meeting» with a pair: under the cadence nudge and the curator's nudge."""
    return outbox.button(text_key="meetings.button.plan", target=Target.PLAN_MEETING,
                         fields={"pair": pair_id})


async def nudge_mentors(session: AsyncSession, now: datetime) -> int:
    """Nudge the mentor of each pair that nears its cadence limit; once per last meeting."""
    due = [p for p in await cadence(session, now) if p.needs_nudge]
    if not due:
        return 0
    mentors = dict((await session.execute(
        select(Participation.id, User).join(User, User.id == Participation.user_id)
        .where(Participation.id.in_({p.mentor_id for p in due})))).all())
    sent = 0
    for pair in due:
        user = mentors.get(pair.mentor_id)
        if user is None:
            continue
        button = plan_button(pair.pair_id)
        sent += await outbox.enqueue(
            session, chat_id=user.telegram_id, user_id=user.id, kind="reminder", due_at=now,
            dedupe_key=f"pair:{pair.pair_id}:nudge:{pair.since.date().isoformat()}",
            text_key="meetings.nudge", count=pair.days_without,
            params={"mentee": pair.mentee_name or "—", "n": pair.days_without},
            buttons=[[button]], about=outbox.about([pair.mentee_id]))
    return sent


async def report_no_answer(session: AsyncSession, *, user_id: int, pair_id: int, now: datetime
                           ) -> int:
    """A mentee says the mentor does not answer: the curator is alerted at once (once a day)."""
    pair = await require_pair(session, user_id, pair_id, role="mentee")
    chats = await notify.curator_recipients(session, pair.programme_id)
    if not chats:
        raise DomainError("meetings.help.no_curator")
    last = next((p for p in await cadence(session, now, pair.programme_id)
                 if p.pair_id == pair_id), None)
    day = now.date().isoformat()
    sent = 0
    for chat_id, curator_user in chats:
        sent += await outbox.enqueue(
            session, chat_id=chat_id, user_id=curator_user, kind="announcement", due_at=now,
            dedupe_key=f"pair:{pair_id}:no_answer:{day}:chat:{chat_id}",
            text_key="meetings.help.alert",
            params={"mentee": pair.mentee_name or "—", "mentor": pair.mentor_name or "—",
                    "days": last.days_without if last else 0},
            expires_at=now + timedelta(days=3),
            about=outbox.about([pair.mentee_id, pair.mentor_id]))
    if not sent:
        raise DomainError("meetings.help.already")
    return sent
