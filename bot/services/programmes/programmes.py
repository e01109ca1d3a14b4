"""Organisations and programmes: creation, state, the curator chat, consent text versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services.errors import DomainError
from bot.services.programmes.forms import is_valid_form
from models import ConsentText, Curator, Organisation, Programme

ORGANISATION_KINDS = ("school", "college", "other")
PROGRAMME_STATES = ("preparing", "running", "completed")
MAX_TITLE = 200


@dataclass(frozen=True)
class ProgrammeCard:
    id: int
    organisation_id: int
    organisation_name: str
    title: str
    starts_on: date
    ends_on: date
    forms: tuple[str, ...]
    cadence_days: int
    state: str
    curator_chat_id: int | None


async def create_organisation(session: AsyncSession, name: str, kind: str, timezone: str) -> Organisation:
    name = " ".join(name.split())
    if not name or len(name) > MAX_TITLE:
        raise DomainError("org.error.name", max=MAX_TITLE)
    if kind not in ORGANISATION_KINDS:
        raise ValueError(kind)
    organisation = Organisation(name=name, kind=kind, timezone=timezone)
    session.add(organisation)
    await session.flush()
    return organisation


async def add_curator(session: AsyncSession, organisation_id: int, user_id: int,
                      full_name: str) -> Curator:
    existing = await session.scalar(select(Curator).where(
        Curator.organisation_id == organisation_id, Curator.user_id == user_id))
    if existing:
        existing.full_name = full_name
        return existing
    curator = Curator(organisation_id=organisation_id, user_id=user_id, full_name=full_name)
    session.add(curator)
    await session.flush()
    return curator


async def curator_organisation_ids(session: AsyncSession, user_id: int) -> list[int]:
    return list((await session.scalars(
        select(Curator.organisation_id).where(Curator.user_id == user_id))).all())


async def create_programme(session: AsyncSession, translator: Translator, *, organisation_id: int,
                           title: str, starts_on: date, ends_on: date, forms: list[str],
                           cadence_days: int = 14) -> Programme:
    title = " ".join(title.split())
    if not title or len(title) > MAX_TITLE:
        raise DomainError("programme.error.title", max=MAX_TITLE)
    if ends_on <= starts_on:
        raise DomainError("programme.error.period")
    if not forms or not all(is_valid_form(f) for f in forms):
        raise DomainError("programme.error.forms")
    if not 1 <= cadence_days <= 90:
        raise DomainError("programme.error.cadence")
    programme = Programme(organisation_id=organisation_id, title=title, starts_on=starts_on,
                          ends_on=ends_on, forms=list(dict.fromkeys(forms)),
                          cadence_days=cadence_days, state="preparing")
    session.add(programme)
    await session.flush()
    organisation = await session.get(Organisation, organisation_id)
    await publish_consent_text(session, translator, programme, organisation)
    return programme


async def publish_consent_text(session: AsyncSession, translator: Translator, programme: Programme,
                               organisation: Organisation) -> ConsentText:
    """A new version of the consent text from the current template; earlier consents keep
    pointing at the version the person read."""
    latest = await session.scalar(select(func.max(ConsentText.version))
                                  .where(ConsentText.programme_id == programme.id))
    params = dict(organisation=organisation.name, programme=programme.title,
                  start=programme.starts_on.strftime("%d.%m.%Y"),
                  end=programme.ends_on.strftime("%d.%m.%Y"))
    text = ConsentText(programme_id=programme.id, version=(latest or 0) + 1,
                       body_ru=translator.get("consent.body", "ru", **params),
                       body_en=translator.get("consent.body", "en", **params))
    session.add(text)
    await session.flush()
    return text


async def current_consent_text(session: AsyncSession, programme_id: int) -> ConsentText:
    text = await session.scalar(select(ConsentText).where(ConsentText.programme_id == programme_id)
                                .order_by(ConsentText.version.desc()).limit(1))
    if text is None:
        raise LookupError(programme_id)
    return text


async def card(session: AsyncSession, programme_id: int) -> ProgrammeCard:
    row = (await session.execute(
        select(Programme, Organisation.name).join(Organisation)
        .where(Programme.id == programme_id))).one()
    programme, organisation_name = row
    return ProgrammeCard(programme.id, programme.organisation_id, organisation_name,
                         programme.title, programme.starts_on, programme.ends_on,
                         tuple(programme.forms), programme.cadence_days, programme.state,
                         programme.curator_chat_id)


async def set_state(session: AsyncSession, programme: Programme, state: str) -> None:
    if state not in PROGRAMME_STATES:
        raise ValueError(state)
    programme.state = state
