"""Who coordinates which region, the owner's side (regions, their organisations, invitation
links) and the coordinator's joining by a link.

Every region or organisation id that arrives from a button is checked here against the person
acting; a foreign, stale or forged id gets the same AccessDenied."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import rowcount
from bot.services.errors import AccessDenied, DomainError, InvitationInvalid
from bot.services.region import snapshot
from models import (
    Curator,
    Organisation,
    Region,
    RegionCoordinator,
    RegionInvitation,
    RegionOrganisation,
)
from models.base import utcnow

MAX_NAME = 255
LINK_LIFETIME = timedelta(days=7)
LINK_USES = 3
# A region link is "rg" + 32 URL-safe characters: never the 24 of a programme's or curator's
# link (bot.services.people.invitations), so /start tells them apart before any lookup.
TOKEN_PREFIX = "rg"
TOKEN_BYTES = 24
TOKEN_LENGTH = len(TOKEN_PREFIX) + 32


@dataclass(frozen=True)
class RegionView:
    id: int
    name: str
    timezone: str
    organisations: int = 0
    coordinators: int = 0


@dataclass(frozen=True)
class OrganisationChoice:
    id: int
    name: str
    chosen: bool


@dataclass(frozen=True)
class CoordinatorView:
    coordinator_id: int
    region_id: int
    region: str
    timezone: str
    digest_weekday: int
    digest_time: str


def clean_name(text: str | None) -> str:
    name = " ".join((text or "").split())
    if not name or len(name) > MAX_NAME:
        raise DomainError("region.error.name", max=MAX_NAME)
    return name


def is_region_token(token: str | None) -> bool:
    return token is not None and len(token) == TOKEN_LENGTH and token.startswith(TOKEN_PREFIX)


# -- the owner ------------------------------------------------------------------------------------

async def create_region(session: AsyncSession, name: str, timezone: str) -> RegionView:
    region = Region(name=clean_name(name), timezone=timezone)
    session.add(region)
    await session.flush()
    return RegionView(region.id, region.name, region.timezone)


async def all_regions(session: AsyncSession) -> list[RegionView]:
    organisations = (select(RegionOrganisation.region_id, func.count().label("n"))
                     .group_by(RegionOrganisation.region_id).subquery())
    coordinators = (select(RegionCoordinator.region_id, func.count().label("n"))
                    .group_by(RegionCoordinator.region_id).subquery())
    rows = await session.execute(
        select(Region.id, Region.name, Region.timezone, organisations.c.n, coordinators.c.n)
        .outerjoin(organisations, organisations.c.region_id == Region.id)
        .outerjoin(coordinators, coordinators.c.region_id == Region.id).order_by(Region.id))
    return [RegionView(i, name, zone, orgs or 0, people or 0)
            for i, name, zone, orgs, people in rows]


async def region(session: AsyncSession, region_id: int) -> RegionView:
    found = await session.get(Region, region_id)
    if found is None:
        raise AccessDenied()
    return RegionView(found.id, found.name, found.timezone)


async def organisation_choices(session: AsyncSession, region_id: int, page: int,
                               page_size: int) -> tuple[list[OrganisationChoice], int]:
    """A page of every organisation, each marked when it reports to the region; the total."""
    await region(session, region_id)
    total = await session.scalar(select(func.count()).select_from(Organisation)) or 0
    chosen = set(await session.scalars(select(RegionOrganisation.organisation_id).where(
        RegionOrganisation.region_id == region_id)))
    rows = await session.execute(select(Organisation.id, Organisation.name)
                                 .order_by(Organisation.id)
                                 .offset(page * page_size).limit(page_size))
    return [OrganisationChoice(i, name, i in chosen) for i, name in rows], total


async def toggle_organisation(session: AsyncSession, region_id: int,
                              organisation_id: int) -> bool:
    """Adds the organisation to the region or takes it out; True when it is in now."""
    await region(session, region_id)
    if await session.get(Organisation, organisation_id) is None:
        raise AccessDenied()
    await snapshot.forget(session, region_id)
    link = await session.get(RegionOrganisation, (region_id, organisation_id))
    if link is not None:
        await session.delete(link)
        await session.flush()
        return False
    session.add(RegionOrganisation(region_id=region_id, organisation_id=organisation_id))
    await session.flush()
    return True


async def add_organisations(session: AsyncSession, region_id: int,
                            organisation_ids: list[int]) -> None:
    """Bulk form of toggle_organisation for the demo and the benchmark (ids must exist)."""
    await snapshot.forget(session, region_id)
    session.add_all([RegionOrganisation(region_id=region_id, organisation_id=i)
                     for i in organisation_ids])
    await session.flush()


async def create_link(session: AsyncSession, region_id: int,
                      now: datetime | None = None) -> str:
    await region(session, region_id)
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    session.add(RegionInvitation(token=token, region_id=region_id,
                                 expires_at=(now or utcnow()) + LINK_LIFETIME,
                                 max_uses=LINK_USES, uses=0))
    await session.flush()
    return token


# -- joining --------------------------------------------------------------------------------------

async def join(session: AsyncSession, token: str, user_id: int,
               now: datetime | None = None) -> RegionView:
    """The person becomes a coordinator of the link's region (again: nothing changes, the use is
    not counted). InvitationInvalid says why a link does not work."""
    now = now or utcnow()
    if not is_region_token(token):
        raise InvitationInvalid("invite.invalid")
    invitation = await session.scalar(select(RegionInvitation).where(
        RegionInvitation.token == token))
    if invitation is None:
        raise InvitationInvalid("invite.invalid")
    if invitation.expires_at <= now:
        raise InvitationInvalid("invite.expired")
    found = await region(session, invitation.region_id)
    already = await session.scalar(select(RegionCoordinator.id).where(
        RegionCoordinator.region_id == found.id, RegionCoordinator.user_id == user_id))
    if already is not None:
        return found
    counted = await session.execute(
        update(RegionInvitation)
        .where(RegionInvitation.id == invitation.id,
               RegionInvitation.uses < RegionInvitation.max_uses)
        .values(uses=RegionInvitation.uses + 1))
    if rowcount(counted) != 1:
        raise InvitationInvalid("invite.used_up")
    session.add(RegionCoordinator(region_id=found.id, user_id=user_id))
    await session.flush()
    return found


# -- the coordinator ------------------------------------------------------------------------------

_IS_COORDINATOR = select(RegionCoordinator.id).where(
    RegionCoordinator.user_id == bindparam("user_id")).limit(1)


async def is_coordinator(session: AsyncSession, user_id: int | None) -> bool:
    if user_id is None:
        return False
    return await session.scalar(_IS_COORDINATOR, {"user_id": user_id}) is not None


async def coordinated(session: AsyncSession, user_id: int) -> list[CoordinatorView]:
    rows = await session.execute(
        select(RegionCoordinator, Region).join(Region, Region.id == RegionCoordinator.region_id)
        .where(RegionCoordinator.user_id == user_id).order_by(Region.name, Region.id))
    return [CoordinatorView(c.id, r.id, r.name, r.timezone, c.digest_weekday, c.digest_time)
            for c, r in rows]


async def require_coordinator(session: AsyncSession, user_id: int | None,
                              region_id: int) -> CoordinatorView:
    if user_id is None:
        raise AccessDenied()
    row = (await session.execute(
        select(RegionCoordinator, Region).join(Region, Region.id == RegionCoordinator.region_id)
        .where(RegionCoordinator.user_id == user_id, Region.id == region_id))).first()
    if row is None:
        raise AccessDenied()
    c, r = row
    return CoordinatorView(c.id, r.id, r.name, r.timezone, c.digest_weekday, c.digest_time)


async def require_member(session: AsyncSession, user_id: int | None, region_id: int,
                         organisation_id: int) -> CoordinatorView:
    """The coordinator's view of a region that the organisation reports to."""
    view = await require_coordinator(session, user_id, region_id)
    if await session.get(RegionOrganisation, (region_id, organisation_id)) is None:
        raise AccessDenied()
    return view


async def regions_of_curator(session: AsyncSession, user_id: int) -> list[str]:
    """Names of the regions the organisations this person curates report to (for /help)."""
    rows = await session.scalars(
        select(Region.name).join(RegionOrganisation, RegionOrganisation.region_id == Region.id)
        .join(Curator, Curator.organisation_id == RegionOrganisation.organisation_id)
        .where(Curator.user_id == user_id).distinct().order_by(Region.name))
    return list(rows)

