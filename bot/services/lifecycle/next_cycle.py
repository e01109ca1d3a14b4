"""The next cycle of a programme: a new programme with the settings of the finished one, and a
personal invitation for each mentor who agreed to continue.

Why invitations and not copied participations: under 152-ФЗ consent is given for a specific
purpose and period, and the consent text names this programme and its dates. A new cycle is a
new programme with a new consent text, so every returning mentor has to read it and consent
again (an adult's own act, recorded in a ConsentRecord against the new text). A Participation
row created by the curator would claim a consent nobody gave, and copying the old profile
answers would process personal data for the new purpose before that consent. The invitation
leads through the ordinary join flow: age group, the new consent, the questionnaire.

The link's participation_id names the previous cycle's participation: that marks it personal
(invitations.active_for never offers it as the programme's general link) and erasing that
participation (/forget) deletes the link with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import DomainError
from bot.services.people import invitations
from bot.services.people.invitations import InvitationView
from bot.services.programmes import programmes
from models import Material, Participation, ParticipationState, Programme

# A personal link stays usable for the whole enrolment period of the next cycle.
MENTOR_LINK_LIFETIME = timedelta(days=60)


@dataclass(frozen=True)
class MentorInvitation:
    previous_participation_id: int
    user_id: int  # whom to send the link (through the outbox)
    invitation: InvitationView


@dataclass(frozen=True)
class NextCycle:
    programme: Programme
    consent_text_version: int
    materials_copied: int
    invitations: tuple[MentorInvitation, ...]


async def _continuing_mentors(session: AsyncSession, programme_id: int,
                              participation_ids: list[int]) -> list[tuple[Participation, int]]:
    """The mentors with their accounts (user ids), in the order asked."""
    wanted = list(dict.fromkeys(participation_ids))
    if not wanted:
        return []
    rows = {p.id: p for p in await session.scalars(
        select(Participation).where(Participation.id.in_(wanted)))}
    found: list[tuple[Participation, int]] = []
    for participation_id in wanted:
        participation = rows.get(participation_id)
        # A withdrawn mentor was anonymised: there is nobody to invite, and no right to try.
        if (participation is None or participation.programme_id != programme_id
                or participation.role != "mentor" or participation.user_id is None
                or participation.state == ParticipationState.WITHDRAWN):
            raise DomainError("cycle.error.mentor")
        found.append((participation, participation.user_id))
    return found


async def clone_programme(session: AsyncSession, consent: programmes.ConsentBodies,
                          programme_id: int, *,
                          title: str, starts_on: date, ends_on: date,
                          mentor_participation_ids: list[int]) -> NextCycle:
    """Create the next cycle in state "preparing" and personal links for continuing mentors.

    Validation of title and period is programmes.create_programme's; a refused mentor id
    raises DomainError("cycle.error.mentor") and nothing is created (the caller's transaction
    rolls back)."""
    source = await session.get(Programme, programme_id)
    if source is None:
        raise DomainError("cycle.error.source")
    mentors = await _continuing_mentors(session, programme_id, mentor_participation_ids)

    # create_programme also publishes version 1 of the consent text, `consent`, rendered from the
    # current template for the new title and period: a copy of the old text would name the old
    # dates.
    programme = await programmes.create_programme(
        session, consent, organisation_id=source.organisation_id, title=title,
        starts_on=starts_on, ends_on=ends_on, forms=list(source.forms),
        cadence_days=source.cadence_days)
    programme.curator_chat_id = source.curator_chat_id
    programme.community_link = source.community_link
    programme.digest_weekday = source.digest_weekday
    programme.digest_time = source.digest_time
    programme.final_surveys_days = source.final_surveys_days

    materials = list(await session.scalars(
        select(Material).where(Material.programme_id == source.id).order_by(Material.id)))
    for material in materials:
        session.add(Material(programme_id=programme.id, title=material.title, url=material.url,
                             telegram_file_id=material.telegram_file_id))

    issued = []
    for mentor, user_id in mentors:
        link = await invitations.create(
            session, organisation_id=programme.organisation_id, programme_id=programme.id,
            role="mentor", participation_id=mentor.id, expires_in=MENTOR_LINK_LIFETIME,
            max_uses=1)
        issued.append(MentorInvitation(mentor.id, user_id, link))
    await session.flush()
    published = await programmes.current_consent_text(session, programme.id)
    return NextCycle(programme, published.version, len(materials), tuple(issued))
