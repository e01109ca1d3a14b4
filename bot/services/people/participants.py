"""Participations: joining a programme by invitation, consent (own or a guardian's), the
questionnaire stage, and the registry the curator reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, exists, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import defer_write
from bot.services.errors import DomainError, InvitationInvalid
from bot.services.people import invitations
from bot.services.people.invitations import InvitationView
from bot.services.programmes import states
from bot.services.programmes.programmes import current_consent_text
from models import (
    ConsentRecord,
    Organisation,
    Pair,
    PairState,
    Participation,
    ParticipationState,
    Programme,
    SurveyResponse,
)
from models.base import utcnow

MINOR_AGE_GROUPS = frozenset({"under_14", "14_17"})
AGE_GROUPS = ("under_14", "14_17", "18_plus")
GUARDIAN_LINK_LIFETIME = timedelta(days=30)
MAX_NAME = 120


@dataclass(frozen=True)
class ParticipationView:
    id: int
    programme_id: int
    programme_title: str
    organisation_name: str
    role: str
    state: str
    form: str | None
    full_name: str | None
    age_group: str
    in_active_pair: bool = False  # a mentor or mentee of an active pair in this role


def needs_guardian(age_group: str) -> bool:
    return age_group in MINOR_AGE_GROUPS


async def existing(session: AsyncSession, user_id: int, programme_id: int, role: str
                   ) -> Participation | None:
    return await session.scalar(select(Participation).where(
        Participation.user_id == user_id, Participation.programme_id == programme_id,
        Participation.role == role, Participation.state != ParticipationState.WITHDRAWN))


def _single_form(programme: Programme) -> str | None:
    return programme.forms[0] if len(programme.forms) == 1 else None


async def join_as_minor(session: AsyncSession, invitation: InvitationView, user_id: int,
                        age_group: str) -> tuple[Participation, InvitationView]:
    """A minor's participation waits for a guardian; only the age group is stored until then."""
    if not needs_guardian(age_group):
        raise ValueError(age_group)
    programme = await session.get_one(Programme, invitation.programme_id)
    await states.require(session, programme, states.Activity.JOIN)
    await invitations.consume(session, invitation)
    participation = Participation(programme_id=programme.id, user_id=user_id, role=invitation.role,
                                  state=ParticipationState.GUARDIAN_PENDING, age_group=age_group,
                                  form=_single_form(programme))
    session.add(participation)
    await session.flush()
    guardian_link = await invitations.create(
        session, organisation_id=invitation.organisation_id, programme_id=programme.id,
        role="guardian", participation_id=participation.id, expires_in=GUARDIAN_LINK_LIFETIME,
        max_uses=1)
    return participation, guardian_link


async def join_with_consent(session: AsyncSession, invitation: InvitationView, user_id: int,
                            age_group: str, consent_text_id: int) -> Participation:
    """An adult accepts the consent: only now does the participation exist."""
    if needs_guardian(age_group) or age_group not in AGE_GROUPS:
        raise ValueError(age_group)
    programme = await session.get_one(Programme, invitation.programme_id)
    await states.require(session, programme, states.Activity.JOIN)
    await invitations.consume(session, invitation)
    now = utcnow()
    participation = Participation(programme_id=programme.id, user_id=user_id, role=invitation.role,
                                  state=ParticipationState.QUESTIONNAIRE, age_group=age_group,
                                  form=_single_form(programme), consent_at=now)
    session.add(participation)
    await session.flush()
    # With the update's other writes at its commit (bot.db.defer_write): on PostgreSQL in their
    # one statement instead of one of its own (issue #21).
    defer_write(session, _ACCEPTED_BY_SELF, {
        "participation_id": participation.id, "consent_text_id": consent_text_id,
        "user_id": user_id, "at": now})
    return participation


_CONSENT_TABLE = cast(Table, ConsentRecord.__table__)
_ACCEPTED_BY_SELF = insert(_CONSENT_TABLE).values(
    participation_id=bindparam("participation_id"), consent_text_id=bindparam("consent_text_id"),
    subject="self", decided_by_user_id=bindparam("user_id"), decision="accepted",
    method="telegram_button", decided_at=bindparam("at"))  # every column: bot/merged_writes.py


async def guardian_decides(session: AsyncSession, invitation: InvitationView, guardian_user_id: int,
                           accepted: bool) -> Participation:
    participation = await session.get(Participation, invitation.participation_id)
    if participation is None or participation.state != ParticipationState.GUARDIAN_PENDING:
        raise InvitationInvalid("invite.used_up")
    if participation.user_id == guardian_user_id:
        # A child cannot consent for themselves by opening their own guardian link.
        raise DomainError("guardian.error.self")
    if accepted:
        await states.require_id(session, participation.programme_id, states.Activity.JOIN)
    await invitations.consume(session, invitation)
    consent_text = await current_consent_text(session, participation.programme_id)
    now = utcnow()
    session.add(ConsentRecord(participation_id=participation.id, consent_text_id=consent_text.id,
                              subject="guardian", decided_by_user_id=guardian_user_id,
                              decision="accepted" if accepted else "declined", decided_at=now))
    if accepted:
        participation.state = ParticipationState.QUESTIONNAIRE
        participation.guardian_user_id = guardian_user_id
        participation.consent_at = now
    else:
        participation.state = ParticipationState.WITHDRAWN
        participation.withdrawn_at = now
    await session.flush()
    return participation


async def set_name(session: AsyncSession, participation: Participation, name: str) -> None:
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME or not any(ch.isalpha() for ch in name):
        raise DomainError("onboarding.error.name", max=MAX_NAME)
    if participation.state == ParticipationState.GUARDIAN_PENDING:
        raise DomainError("onboarding.error.guardian_pending")
    participation.full_name = name


async def set_form(session: AsyncSession, participation: Participation, form: str) -> None:
    programme = await session.get_one(Programme, participation.programme_id)
    if form not in programme.forms:
        raise DomainError("onboarding.error.form")
    participation.form = form


async def mark_ready(session: AsyncSession, participation: Participation) -> None:
    if participation.state == ParticipationState.QUESTIONNAIRE:
        participation.state = ParticipationState.READY
        participation.ready_at = utcnow()


# Built once, columns only (issue #21: /start asks it on every visit, and with whether each
# role is in an active pair, for the paired person's keyboard, which took a statement more).
_IN_ACTIVE_PAIR = exists().where(Pair.state == PairState.ACTIVE,
                                 or_(Pair.mentor_id == Participation.id,
                                     Pair.mentee_id == Participation.id))
_OF_USER = (select(Participation.id, Participation.programme_id, Programme.title,
                   Organisation.name, Participation.role, Participation.state, Participation.form,
                   Participation.full_name, Participation.age_group, _IN_ACTIVE_PAIR)
            .join(Programme, Participation.programme_id == Programme.id)
            .join(Organisation, Programme.organisation_id == Organisation.id)
            .where(Participation.user_id == bindparam("user_id"),
                   Participation.state != ParticipationState.WITHDRAWN)
            .order_by(Participation.id))


async def of_user(session: AsyncSession, user_id: int) -> list[ParticipationView]:
    rows = await session.execute(_OF_USER, {"user_id": user_id})
    return [ParticipationView(*row[:9], in_active_pair=bool(row[9])) for row in rows]


async def owned(session: AsyncSession, participation_id: int | None, user_id: int
                ) -> Participation:
    """The participation if it belongs to this person; the same refusal otherwise (None: a step
    that lost its participation)."""
    from bot.services.errors import AccessDenied

    participation = (None if participation_id is None
                     else await session.get(Participation, participation_id))
    if participation is None or participation.user_id != user_id:
        raise AccessDenied()
    return participation


def nameless(state: str, consent_given: bool) -> str:
    """Why a participant is listed without a name: "erased" (they consented, then withdrew
    with /forget: their data was erased on request), "declined" (consent was never given: a
    parent refused), "pending" (the name comes with consent and the questionnaire)."""
    if state == ParticipationState.WITHDRAWN:
        return "erased" if consent_given else "declined"
    return "pending"


@dataclass(frozen=True)
class RegistryRow:
    id: int
    role: str
    state: str
    full_name: str | None
    form: str | None
    age_group: str
    created_at: datetime
    profile_complete: bool
    consent_given: bool = False

    @property
    def nameless(self) -> str:
        return nameless(self.state, self.consent_given)


async def registry(session: AsyncSession, programme_id: int, *, role: str | None = None,
                   state: str | None = None, offset: int = 0, limit: int = 20
                   ) -> tuple[list[RegistryRow], int]:
    conditions = [Participation.programme_id == programme_id]
    if role:
        conditions.append(Participation.role == role)
    if state:
        conditions.append(Participation.state == state)
    total = await session.scalar(select(func.count()).select_from(Participation).where(*conditions))
    completed = (select(SurveyResponse.participation_id)
                 .where(SurveyResponse.context == "profile", SurveyResponse.completed_at.is_not(None))
                 .scalar_subquery())
    rows = await session.execute(
        select(Participation, Participation.id.in_(completed))
        .where(*conditions).order_by(Participation.role, Participation.id)
        .offset(offset).limit(limit))
    return [RegistryRow(p.id, p.role, p.state, p.full_name, p.form, p.age_group, p.created_at,
                        bool(done), p.consent_at is not None)
            for p, done in rows], int(total or 0)


async def counts_by_state(session: AsyncSession, programme_id: int) -> dict[tuple[str, str], int]:
    rows = await session.execute(
        select(Participation.role, Participation.state, func.count())
        .where(Participation.programme_id == programme_id)
        .group_by(Participation.role, Participation.state))
    return {(role, state): count for role, state, count in rows}
