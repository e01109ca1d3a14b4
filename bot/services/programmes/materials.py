"""Methodical materials for mentors (files kept by Telegram file_id, or links) and what a
mentor receives: the materials and community link of each of their programmes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import AccessDenied, DomainError
from bot.services.people import access
from bot.services.programmes.curation import parse_material_link
from bot.services.programmes.programmes import MAX_TITLE
from models import Material, Participation, ParticipationState, Programme, User

MAX_MATERIALS = 50


@dataclass(frozen=True)
class MaterialView:
    id: int
    title: str
    url: str | None
    file_id: str | None


@dataclass(frozen=True)
class MentorKit:
    programme_id: int
    programme_title: str
    community_link: str | None
    materials: list[MaterialView]


def _view(material: Material) -> MaterialView:
    return MaterialView(material.id, material.title, material.url, material.telegram_file_id)


async def of_programme(session: AsyncSession, programme_id: int) -> list[MaterialView]:
    rows = await session.scalars(select(Material).where(Material.programme_id == programme_id)
                                 .order_by(Material.id))
    return [_view(m) for m in rows]


async def _check_room(session: AsyncSession, programme_id: int) -> None:
    if len(await of_programme(session, programme_id)) >= MAX_MATERIALS:
        raise DomainError("mat.error.too_many", max=MAX_MATERIALS)


async def add_link(session: AsyncSession, programme_id: int, text: str | None) -> MaterialView:
    url, title = parse_material_link(text)
    await _check_room(session, programme_id)
    material = Material(programme_id=programme_id, title=title, url=url)
    session.add(material)
    await session.flush()
    return _view(material)


async def add_file(session: AsyncSession, programme_id: int, file_id: str,
                   title: str | None) -> MaterialView:
    await _check_room(session, programme_id)
    material = Material(programme_id=programme_id, telegram_file_id=file_id,
                        title=(" ".join((title or "").split()) or "—")[:MAX_TITLE])
    session.add(material)
    await session.flush()
    return _view(material)


async def require_own(session: AsyncSession, user_id: int | None, programme_id: int,
                      material_id: int) -> Material:
    """A material of this curator's programme, for its deletion: one already deleted (a double
    tap, an old list) is «gone»; one of another programme is refused."""
    await access.require_curator(session, user_id, programme_id)
    material = await session.get(Material, material_id)
    if material is None:
        raise DomainError("mat.gone")
    if material.programme_id != programme_id:
        raise AccessDenied()
    return material


async def delete(session: AsyncSession, material: Material) -> None:
    await session.delete(material)
    await session.flush()


async def _kit(session: AsyncSession, programme: Programme) -> MentorKit:
    return MentorKit(programme.id, programme.title, programme.community_link,
                     await of_programme(session, programme.id))


async def for_mentor(session: AsyncSession, user_id: int) -> list[MentorKit]:
    """The kits of every programme where this person is an active mentor."""
    # IN (subquery), not JOIN + DISTINCT: PostgreSQL cannot compare the JSON columns that
    # DISTINCT over whole programme rows would need.
    mentoring = (select(Participation.programme_id)
                 .where(Participation.user_id == user_id, Participation.role == "mentor",
                        Participation.state != ParticipationState.WITHDRAWN,
                        Participation.state != ParticipationState.GUARDIAN_PENDING))
    programmes = await session.scalars(
        select(Programme).where(Programme.id.in_(mentoring)).order_by(Programme.id))
    return [await _kit(session, p) for p in programmes]


async def for_participation(session: AsyncSession, participation_id: int
                            ) -> tuple[int, MentorKit] | None:
    """(telegram chat id, kit) for a mentor's participation; None for anyone else."""
    participation = await session.get(Participation, participation_id)
    if participation is None or participation.role != "mentor" or participation.user_id is None:
        return None
    user = await session.get_one(User, participation.user_id)
    programme = await session.get_one(Programme, participation.programme_id)
    return user.telegram_id, await _kit(session, programme)
