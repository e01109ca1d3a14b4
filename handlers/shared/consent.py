"""A programme's consent text, rendered on the Telegram side: the catalogue's template
(`consent.body`) in every locale the bot has a catalogue for. The services store exactly the
bodies they are given (bot.services.programmes.programmes.ConsentBodies)."""

from __future__ import annotations

from datetime import date

from bot.db import AsyncSession
from bot.i18n import Translator
from bot.services.programmes import programmes
from bot.services.programmes.programmes import ConsentFacts
from models import Programme


def consent_bodies(translator: Translator, facts: ConsentFacts) -> dict[str, str]:
    """The consent text's body (HTML, the curator's words escaped) in each locale."""
    start, end = facts.starts_on.strftime("%d.%m.%Y"), facts.ends_on.strftime("%d.%m.%Y")
    return {locale: translator.get("consent.body", locale, organisation=facts.organisation,
                                   programme=facts.programme, start=start, end=end)
            for locale in translator.locales}


async def render_consent(session: AsyncSession, translator: Translator, *, organisation_id: int,
                         title: str, starts_on: date, ends_on: date) -> dict[str, str]:
    """The bodies of a new programme's consent text: its organisation, title and period."""
    return consent_bodies(translator, await programmes.consent_facts(
        session, organisation_id=organisation_id, title=title, starts_on=starts_on,
        ends_on=ends_on))


async def create_programme(session: AsyncSession, translator: Translator, *, organisation_id: int,
                           title: str, starts_on: date, ends_on: date, forms: list[str],
                           cadence_days: int = 14) -> Programme:
    """programmes.create_programme with its consent text rendered from the catalogue."""
    consent = await render_consent(session, translator, organisation_id=organisation_id,
                                   title=title, starts_on=starts_on, ends_on=ends_on)
    return await programmes.create_programme(
        session, consent, organisation_id=organisation_id, title=title, starts_on=starts_on,
        ends_on=ends_on, forms=forms, cadence_days=cadence_days)
