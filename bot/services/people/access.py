"""Who may act on what: bot owners, curators of an organisation's programmes.

Every id that arrives from a button or a command is checked here against the person acting; a
foreign, stale or forged id gets the same AccessDenied, so the answer reveals nothing."""

from __future__ import annotations

from sqlalchemy import bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import AccessDenied
from models import (
    Curator,
    Invitation,
    Material,
    Organisation,
    Participation,
    Programme,
    RegionCoordinator,
)


def require_owner(admin_ids: frozenset[int], telegram_id: int | None) -> None:
    if telegram_id is None or telegram_id not in admin_ids:
        raise AccessDenied()


_IS_CURATOR = select(Curator.id).where(Curator.user_id == bindparam("user_id")).limit(1)
# Both of /help's questions in one statement (issue #21: a statement each before).
_STAFF = select(exists().where(Curator.user_id == bindparam("user_id")),
                exists().where(RegionCoordinator.user_id == bindparam("user_id")))


async def staff_roles(session: AsyncSession, user_id: int) -> tuple[bool, bool]:
    """Whether the person curates a programme, and whether they coordinate a region."""
    curator, coordinator = (await session.execute(_STAFF, {"user_id": user_id})).one()
    return bool(curator), bool(coordinator)


async def is_curator(session: AsyncSession, user_id: int) -> bool:
    return await session.scalar(_IS_CURATOR, {"user_id": user_id}) is not None


async def require_any_curator(session: AsyncSession, user_id: int | None) -> None:
    if user_id is None or not await is_curator(session, user_id):
        raise AccessDenied()


async def curated_organisations(session: AsyncSession, user_id: int) -> list[Organisation]:
    return list((await session.scalars(
        select(Organisation).join(Curator, Curator.organisation_id == Organisation.id)
        .where(Curator.user_id == user_id).order_by(Organisation.id))).all())


async def require_organisation(session: AsyncSession, user_id: int,
                               organisation_id: int) -> Organisation:
    found = await session.scalar(
        select(Organisation).join(Curator, Curator.organisation_id == Organisation.id)
        .where(Curator.user_id == user_id, Organisation.id == organisation_id))
    if found is None:
        raise AccessDenied()
    return found


async def curated_programmes(session: AsyncSession, user_id: int) -> list[Programme]:
    return list((await session.scalars(
        select(Programme).join(Curator, Curator.organisation_id == Programme.organisation_id)
        .where(Curator.user_id == user_id).order_by(Programme.id))).all())


async def require_curator(session: AsyncSession, user_id: int | None,
                          programme_id: int) -> Programme:
    """The programme if it belongs to an organisation this person curates."""
    if user_id is None:
        raise AccessDenied()
    programme = await session.scalar(
        select(Programme).join(Curator, Curator.organisation_id == Programme.organisation_id)
        .where(Curator.user_id == user_id, Programme.id == programme_id))
    if programme is None:
        raise AccessDenied()
    return programme


async def require_participation(session: AsyncSession, user_id: int | None,
                                participation_id: int) -> Participation:
    participation = await session.get(Participation, participation_id)
    if participation is None:
        raise AccessDenied()
    await require_curator(session, user_id, participation.programme_id)
    return participation


async def require_material(session: AsyncSession, user_id: int | None,
                           material_id: int) -> Material:
    material = await session.get(Material, material_id)
    if material is None:
        raise AccessDenied()
    await require_curator(session, user_id, material.programme_id)
    return material


async def require_invitation(session: AsyncSession, user_id: int | None, programme_id: int,
                             invitation_id: int) -> Invitation:
    await require_curator(session, user_id, programme_id)
    invitation = await session.get(Invitation, invitation_id)
    if invitation is None or invitation.programme_id != programme_id \
            or invitation.participation_id is not None:
        raise AccessDenied()
    return invitation
