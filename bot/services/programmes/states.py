"""What each state of a programme allows (docs/programme-states.md).

    preparing  joining, questionnaires, preferences, matching and approving pairs (forming the
               banks of mentors and mentees is what this stage is for); meetings of pairs
               already formed; approving the first pairs offers to start the programme
    running    everything
    completed  no joining, no new pairs, no new meetings; reports, monitoring, letters and
               the next cycle remain

Every entry point asks `require(programme, Activity.X)` (or one of the helpers below) in its
service; a refusal is a typed DomainError whose key the handler translates."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import DomainError, InvitationInvalid
from models import Curator, Organisation, Pair, Participation, Programme


class ProgrammeState(StrEnum):
    PREPARING = "preparing"
    RUNNING = "running"
    COMPLETED = "completed"


class Activity(StrEnum):
    JOIN = "join"  # an invitation link, consent, the profile questionnaire
    MATCH = "match"  # /match drafts, preferences, approving pairs, manual pairing
    MEET = "meet"  # planning, confirming and logging meetings


ALLOWED: dict[str, frozenset[Activity]] = {
    ProgrammeState.PREPARING: frozenset({Activity.JOIN, Activity.MATCH, Activity.MEET}),
    ProgrammeState.RUNNING: frozenset(Activity),
    ProgrammeState.COMPLETED: frozenset(),
}


class ProgrammeClosed(DomainError):
    """The programme's state does not allow this (`programme.closed.<activity>`)."""

    key = "programme.closed.match"


class ProgrammeEnded(InvitationInvalid):
    """An invitation of a completed programme: it has ended, and who to contact. A subclass of
    InvitationInvalid, so every place that opens a link answers it as it answers a dead link."""

    key = "programme.closed.join"


def allows(state: str, activity: Activity) -> bool:
    return activity in ALLOWED.get(state, frozenset())


async def curator_contact(session: AsyncSession, organisation_id: int) -> str:
    """The names of the organisation's curators, for «who to contact» (names only: the bot
    keeps no phone numbers or usernames); "" when none left a name."""
    names = (await session.scalars(
        select(Curator.full_name).where(Curator.organisation_id == organisation_id,
                                        Curator.full_name.is_not(None))
        .order_by(Curator.id))).all()
    return ", ".join(dict.fromkeys(n for n in names if n))


async def require(session: AsyncSession, programme: Programme, activity: Activity) -> None:
    if allows(programme.state, activity):
        return
    if activity == Activity.JOIN:
        organisation = await session.get_one(Organisation, programme.organisation_id)
        contact = await curator_contact(session, programme.organisation_id)
        raise ProgrammeEnded("programme.closed.join" if contact else "programme.closed.join_org",
                             title=programme.title, organisation=organisation.name,
                             contact=contact)
    raise ProgrammeClosed(f"programme.closed.{activity}", title=programme.title)


async def require_id(session: AsyncSession, programme_id: int | None,
                     activity: Activity) -> None:
    programme = await session.get(Programme, programme_id) if programme_id else None
    if programme is not None:
        await require(session, programme, activity)


async def closed_pair_programme(session: AsyncSession, user_id: int, pair_id: int
                                ) -> Programme | None:
    """The completed programme of this person's pair (any state of the pair), if it is one:
    a stale meeting button then gets «the programme has ended» instead of a bare refusal."""
    programme = await session.scalar(
        select(Programme).join(Pair, Pair.programme_id == Programme.id)
        .join(Participation, (Participation.id == Pair.mentor_id)
              | (Participation.id == Pair.mentee_id))
        .where(Pair.id == pair_id, Participation.user_id == user_id,
               Programme.state == ProgrammeState.COMPLETED).limit(1))
    return programme


async def explain_no_pairs(session: AsyncSession, user_id: int) -> None:
    """Someone with no active pair asks for meetings: when their pairs ended with a completed
    programme (and none is open elsewhere), the refusal says so."""
    programme = await session.scalar(
        select(Programme).join(Pair, Pair.programme_id == Programme.id)
        .join(Participation, (Participation.id == Pair.mentor_id)
              | (Participation.id == Pair.mentee_id))
        .where(Participation.user_id == user_id, Programme.state == ProgrammeState.COMPLETED)
        .order_by(Programme.id.desc()).limit(1))
    if programme is not None:
        raise ProgrammeClosed(f"programme.closed.{Activity.MEET}", title=programme.title)
