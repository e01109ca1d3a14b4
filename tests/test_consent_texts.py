"""A programme's consent text is stored once per language, as rows: a third language is new rows
from its catalogue, and a reader whose language has no text reads the first language's."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select

from bot.services.programmes import programmes
from handlers.shared.consent import create_programme, render_consent
from models import ConsentTextBody


async def _programme(session, translator):
    organisation = await programmes.create_organisation(session, "Школа <№1> & Co", "school",
                                                        "Europe/Moscow")
    return await create_programme(
        session, translator, organisation_id=organisation.id, title="Наставничество 2026",
        starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31), forms=["teacher_teacher"])


async def test_each_language_reads_its_own_text(app, translator):
    async with app.sessionmaker() as session, session.begin():
        programme = await _programme(session, translator)
        count = await session.scalar(select(func.count()).select_from(ConsentTextBody))
        assert count == len(translator.locales) == 2
        ru = await programmes.consent_to_read(session, programme.id, "ru", "ru")
        en = await programmes.consent_to_read(session, programme.id, "en", "ru")
    assert (ru.locale, en.locale) == ("ru", "en")
    assert ru.id == en.id and ru.version == en.version == 1
    params = dict(organisation="Школа <№1> & Co", programme="Наставничество 2026",
                  start="01.09.2026", end="31.05.2027")
    assert ru.body == translator.get("consent.body", "ru", **params)
    assert en.body == translator.get("consent.body", "en", **params)
    assert "&lt;№1&gt; &amp; Co" in ru.body  # HTML: the curator's words are escaped


async def test_a_language_without_a_text_reads_the_first_language(app, translator):
    async with app.sessionmaker() as session, session.begin():
        programme = await _programme(session, translator)
        # A language added after the text was published has no row of its own.
        unknown = await programmes.consent_to_read(session, programme.id, "de", "ru")
        assert unknown.locale == "ru"
        await session.execute(delete(ConsentTextBody).where(ConsentTextBody.locale == "en"))
        english = await programmes.consent_to_read(session, programme.id, "en", "ru")
        assert english.locale == "ru"


async def test_a_new_version_is_read_and_the_old_one_kept(app, translator):
    async with app.sessionmaker() as session, session.begin():
        programme = await _programme(session, translator)
        first = await programmes.consent_to_read(session, programme.id, "ru", "ru")
        programme.title = "Наставничество 2026/27"
        await programmes.publish_consent_text(session, programme, await render_consent(
            session, translator, organisation_id=programme.organisation_id, title=programme.title,
            starts_on=programme.starts_on, ends_on=programme.ends_on))
        second = await programmes.consent_to_read(session, programme.id, "en", "ru")
        assert (second.version, second.locale) == (2, "en") and second.id != first.id
        assert "2026/27" in second.body
        assert await session.scalar(select(func.count()).select_from(ConsentTextBody)) == 4


async def test_the_service_stores_exactly_the_bodies_it_is_given(app):
    """The services render nothing: the Telegram side passes the bodies, one per locale, and a
    language the bot has no catalogue for is stored as given too."""
    bodies = {"ru": "<b>Согласие</b> на «Наставничество»", "de": "Einwilligung  <i>x</i>"}
    async with app.sessionmaker() as session, session.begin():
        organisation = await programmes.create_organisation(session, "Школа", "school",
                                                            "Europe/Moscow")
        programme = await programmes.create_programme(
            session, bodies, organisation_id=organisation.id, title="  Наставничество   2026 ",
            starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31), forms=["teacher_teacher"])
        stored = dict((await session.execute(
            select(ConsentTextBody.locale, ConsentTextBody.body))).all())
        german = await programmes.consent_to_read(session, programme.id, "de", "ru")
    assert stored == bodies
    assert (german.locale, german.body, german.version) == ("de", bodies["de"], 1)
    assert programme.title == "Наставничество 2026"
