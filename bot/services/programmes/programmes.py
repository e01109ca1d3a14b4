"""Organisations and programmes: creation, state, the curator chat, consent text versions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import DomainError
from bot.services.programmes import genitive
from bot.services.programmes.forms import is_valid_form
from models import ConsentText, ConsentTextBody, Curator, Organisation, Programme
from models.base import utcnow

ORGANISATION_KINDS = ("school", "college", "other")
PROGRAMME_STATES = ("preparing", "running", "completed")
MAX_TITLE = 200


ConsentBodies = Mapping[str, str]
"""A consent text's body (HTML) per locale. The consent text is content with its own versions,
written when a programme is created; the Telegram side renders the catalogue's template in every
locale it has (handlers/shared/consent.py) and the services store exactly what they are given."""


@dataclass(frozen=True)
class ConsentFacts:
    """What a programme's consent template names, for the Telegram side to render."""

    organisation: str
    programme: str
    starts_on: date
    ends_on: date


def clean_title(title: str) -> str:
    """A programme's title as stored: runs of white space are one space."""
    return " ".join(title.split())


async def consent_facts(session: AsyncSession, *, organisation_id: int, title: str,
                        starts_on: date, ends_on: date) -> ConsentFacts:
    """The facts of a programme's consent text, the title as create_programme will store it."""
    organisation = await session.get_one(Organisation, organisation_id)
    return ConsentFacts(organisation.name, clean_title(title), starts_on, ends_on)


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


def clean_organisation_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > MAX_TITLE:
        raise DomainError("org.error.name", max=MAX_TITLE)
    return name


def propose_genitive(name: str) -> str:
    """The genitive to offer for confirmation when an organisation is created."""
    return genitive.genitive(clean_organisation_name(name))


def name_in_genitive(organisation: Organisation) -> str:
    """What a Russian letter prints after «Администрация»: the confirmed genitive, or for an
    organisation created before it was asked for (NULL), the one computed now."""
    return organisation.name_genitive or genitive.genitive(organisation.name)


async def create_organisation(session: AsyncSession, name: str, kind: str, timezone: str,
                              name_genitive: str | None = None) -> Organisation:
    """`name_genitive`: as the creator confirmed or typed it; None computes it."""
    name = clean_organisation_name(name)
    if kind not in ORGANISATION_KINDS:
        raise ValueError(kind)
    in_genitive = (clean_organisation_name(name_genitive) if name_genitive is not None
                   else genitive.genitive(name))
    organisation = Organisation(name=name, name_genitive=in_genitive, kind=kind,
                                timezone=timezone)
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


async def create_programme(session: AsyncSession, consent: ConsentBodies, *, organisation_id: int,
                           title: str, starts_on: date, ends_on: date, forms: list[str],
                           cadence_days: int = 14) -> Programme:
    """A programme in state "preparing" with version 1 of its consent text: `consent`, the body
    per locale, rendered for this organisation, title and period (consent_facts)."""
    title = clean_title(title)
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
    await publish_consent_text(session, programme, consent)
    return programme


async def publish_consent_text(session: AsyncSession, programme: Programme,
                               consent: ConsentBodies) -> ConsentText:
    """A new version of the consent text: the bodies given, one per locale; earlier consents keep
    pointing at the version the person read."""
    if not consent:
        raise ValueError("a consent text needs a body in at least one locale")
    latest = await session.scalar(select(func.max(ConsentText.version))
                                  .where(ConsentText.programme_id == programme.id))
    text = ConsentText(programme_id=programme.id, version=(latest or 0) + 1)
    session.add(text)
    await session.flush()
    session.add_all(ConsentTextBody(consent_text_id=text.id, locale=locale, body=body)
                    for locale, body in consent.items())
    await session.flush()
    return text


async def current_consent_text(session: AsyncSession, programme_id: int) -> ConsentText:
    text = await session.scalar(select(ConsentText).where(ConsentText.programme_id == programme_id)
                                .order_by(ConsentText.version.desc()).limit(1))
    if text is None:
        raise LookupError(programme_id)
    return text


@dataclass(frozen=True)
class ConsentToRead:
    id: int
    version: int
    body: str  # HTML
    locale: str  # the language of `body`


async def consent_to_read(session: AsyncSession, programme_id: int, locale: str,
                          first_locale: str) -> ConsentToRead:
    """The current consent text in the reader's language; without one in that language (a text
    published before the language was added), in the first language, else in any stored.
    One statement: every language of the newest version."""
    newest = (select(ConsentText.id).where(ConsentText.programme_id == programme_id)
              .order_by(ConsentText.version.desc()).limit(1).scalar_subquery())
    rows = (await session.execute(
        select(ConsentText.id, ConsentText.version, ConsentTextBody.locale, ConsentTextBody.body)
        .join(ConsentTextBody, ConsentTextBody.consent_text_id == ConsentText.id)
        .where(ConsentText.id == newest).order_by(ConsentTextBody.locale))).all()
    if not rows:
        raise LookupError(programme_id)
    by_locale = {row.locale: row for row in rows}
    row = by_locale.get(locale) or by_locale.get(first_locale) or rows[0]
    return ConsentToRead(row.id, row.version, row.body, row.locale)


async def card(session: AsyncSession, programme_id: int) -> ProgrammeCard:
    row = (await session.execute(
        select(Programme, Organisation.name).join(Organisation)
        .where(Programme.id == programme_id))).one()
    programme, organisation_name = row
    return ProgrammeCard(programme.id, programme.organisation_id, organisation_name,
                         programme.title, programme.starts_on, programme.ends_on,
                         tuple(programme.forms), programme.cadence_days, programme.state,
                         programme.curator_chat_id)


async def set_state(session: AsyncSession, programme: Programme, state: str,
                    now: datetime | None = None) -> None:
    if state not in PROGRAMME_STATES:
        raise ValueError(state)
    if state == "running" and programme.state != "running":
        # Only a running programme gets the weekly digest: its first one comes at the next
        # chosen moment from the start, not this week's moment already past, a minute later.
        programme.digest_since = now or utcnow()
    programme.state = state
