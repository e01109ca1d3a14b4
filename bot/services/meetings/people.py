"""Who takes part in pairs and meetings, checked against the person acting.

A participant sees only their own pairs and meetings: every pair or meeting id that arrives
from a button is resolved here against the presser, and anything else is AccessDenied."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import AccessDenied
from models import (
    Meeting,
    MeetingPair,
    Organisation,
    Pair,
    PairState,
    Participation,
    Programme,
    User,
)
from models.pair_sides import MenteeSide, MentorSide


@dataclass(frozen=True)
class PairView:
    pair_id: int
    programme_id: int
    mentor_id: int  # participation ids
    mentee_id: int
    mentor_name: str | None
    mentee_name: str | None
    stage: str
    my_role: str  # the viewer's side: mentor or mentee
    my_participation_id: int


@dataclass(frozen=True)
class Attendee:
    participation_id: int
    role: str
    name: str | None
    user_id: int | None
    telegram_id: int | None
    timezone: str  # resolved: the person's, else the organisation's, else the default


# Built once, columns only (issue #21: /start asks it on every visit; building the statement and
# loading three ORM entities per row cost more than the query).
_MY_PAIRS = (select(Pair.id, Pair.programme_id, Pair.stage, MentorSide.id, MentorSide.user_id,
                    MentorSide.full_name, MenteeSide.id, MenteeSide.full_name)
             .join(MentorSide, MentorSide.id == Pair.mentor_id)
             .join(MenteeSide, MenteeSide.id == Pair.mentee_id)
             .where(Pair.state == PairState.ACTIVE,
                    or_(MentorSide.user_id == bindparam("user_id"),
                        MenteeSide.user_id == bindparam("user_id")))
             .order_by(Pair.id))


async def my_pairs(session: AsyncSession, user_id: int, *, role: str | None = None
                   ) -> list[PairView]:
    """Active pairs in which this person is the mentor or the mentee."""
    views = []
    for (pair_id, programme_id, stage, mentor_id, mentor_user, mentor_name, mentee_id,
         mentee_name) in (await session.execute(_MY_PAIRS, {"user_id": user_id})).all():
        side = "mentor" if mentor_user == user_id else "mentee"
        if role is not None and side != role:
            continue
        views.append(PairView(pair_id, programme_id, mentor_id, mentee_id, mentor_name,
                              mentee_name, stage, side,
                              mentor_id if side == "mentor" else mentee_id))
    return views


async def require_pair(session: AsyncSession, user_id: int | None, pair_id: int,
                       role: str | None = None) -> PairView:
    if user_id is None:
        raise AccessDenied()
    found = next((p for p in await my_pairs(session, user_id, role=role) if p.pair_id == pair_id),
                 None)
    if found is None:
        raise AccessDenied()
    return found


async def group_of(session: AsyncSession, user_id: int, pair_id: int) -> list[PairView]:
    """The whole group of a mentor: their active pairs in the programme of this pair."""
    anchor = await require_pair(session, user_id, pair_id, role="mentor")
    return [p for p in await my_pairs(session, user_id, role="mentor")
            if p.mentor_id == anchor.mentor_id]


async def meeting_pair_ids(session: AsyncSession, meeting_id: int) -> list[int]:
    return list((await session.scalars(select(MeetingPair.pair_id).where(
        MeetingPair.meeting_id == meeting_id).order_by(MeetingPair.pair_id))).all())


async def require_meeting(session: AsyncSession, user_id: int | None, meeting_id: int
                          ) -> tuple[Meeting, Attendee]:
    """The meeting and the acting person's place in it; AccessDenied for anyone else."""
    meeting = await session.get(Meeting, meeting_id) if user_id is not None else None
    if meeting is None:
        raise AccessDenied()
    for attendee in await attendees(session, meeting, "UTC"):
        if attendee.user_id == user_id:
            return meeting, attendee
    raise AccessDenied()


async def timezone_of(session: AsyncSession, user: User | None, programme_id: int,
                      default: str) -> str:
    if user is not None and user.timezone:
        return user.timezone
    zone = await session.scalar(select(Organisation.timezone).join(
        Programme, Programme.organisation_id == Organisation.id).where(
        Programme.id == programme_id))
    return zone or default


async def attendees(session: AsyncSession, meeting: Meeting, default_timezone: str
                    ) -> list[Attendee]:
    """The mentor first, then the mentees of the meeting's pairs."""
    mentee_ids = select(Pair.mentee_id).join(MeetingPair, MeetingPair.pair_id == Pair.id).where(
        MeetingPair.meeting_id == meeting.id)
    rows = (await session.execute(
        select(Participation, User).outerjoin(User, User.id == Participation.user_id)
        .where(or_(Participation.id == meeting.mentor_id, Participation.id.in_(mentee_ids)))
        .order_by(Participation.id))).all()
    org_zone = await session.scalar(select(Organisation.timezone).join(
        Programme, Programme.organisation_id == Organisation.id).where(
        Programme.id == meeting.programme_id))
    result = []
    for participation, user in rows:
        zone = (user.timezone if user is not None and user.timezone else None) \
            or org_zone or default_timezone
        role = "mentor" if participation.id == meeting.mentor_id else "mentee"
        result.append(Attendee(participation.id, role, participation.full_name,
                               user.id if user else None, user.telegram_id if user else None,
                               zone))
    result.sort(key=lambda a: (a.role != "mentor", a.participation_id))
    return result
