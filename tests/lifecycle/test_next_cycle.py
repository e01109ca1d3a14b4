"""The next cycle: settings and materials carried over, a fresh consent text, personal links
for continuing mentors and no participation without a new consent."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from bot.services.errors import DomainError
from bot.services.lifecycle import next_cycle
from bot.services.people import invitations, users
from bot.services.programmes import programmes
from handlers.shared.consent import create_programme, render_consent
from models import ConsentText, Material, Participation, ParticipationState

# The consent text's bodies where they are not the point (the services store what they are given).
CONSENT = {"ru": "<b>Согласие</b>", "en": "<b>Consent</b>"}


async def _source(session, translator):
    org = await programmes.create_organisation(session, "Школа № 7", "school", "Europe/Moscow")
    source = await create_programme(
        session, translator, organisation_id=org.id, title="Наставничество 2025/26",
        starts_on=date(2025, 9, 1), ends_on=date(2026, 5, 31),
        forms=["student_student", "teacher_teacher"], cadence_days=10)
    source.curator_chat_id = -100123
    source.community_link = "https://t.me/+community"
    source.digest_weekday, source.digest_time = 4, "16:30"
    source.state = "completed"
    session.add_all([Material(programme_id=source.id, title="Методичка", url="https://a.ru/m"),
                     Material(programme_id=source.id, title="Памятка", telegram_file_id="FILE")])
    people = []
    for telegram_id, role, state in ((1, "mentor", "paired"), (2, "mentor", "paired"),
                                     (3, "mentee", "paired"), (4, "mentor", "withdrawn")):
        user = await users.get_or_create(session, telegram_id)
        participation = Participation(programme_id=source.id, user_id=user.id, role=role,
                                      state=state, age_group="18_plus", form="student_student")
        session.add(participation)
        people.append(participation)
    await session.flush()
    return source, people


async def test_clone_copies_settings_and_invites_continuing_mentors(app, translator):
    async with app.sessionmaker() as session:
        source, (mentor_a, mentor_b, mentee, withdrawn) = await _source(session, translator)
        consent = await render_consent(
            session, translator, organisation_id=source.organisation_id,
            title="Наставничество 2026/27", starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31))
        result = await next_cycle.clone_programme(
            session, consent, source.id, title="Наставничество 2026/27",
            starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31),
            mentor_participation_ids=[mentor_a.id, mentor_a.id])
        new = result.programme
        assert new.id != source.id and new.state == "preparing"
        assert (new.organisation_id, new.forms, new.cadence_days) == (
            source.organisation_id, ["student_student", "teacher_teacher"], 10)
        assert (new.curator_chat_id, new.community_link, new.digest_weekday, new.digest_time) == (
            -100123, "https://t.me/+community", 4, "16:30")
        assert (new.title, new.starts_on, new.ends_on) == (
            "Наставничество 2026/27", date(2026, 9, 1), date(2027, 5, 31))

        copied = (await session.scalars(select(Material).where(Material.programme_id == new.id)
                                        .order_by(Material.id))).all()
        assert [(m.title, m.url, m.telegram_file_id) for m in copied] == [
            ("Методичка", "https://a.ru/m", None), ("Памятка", None, "FILE")]
        assert result.materials_copied == 2

        consent = await programmes.current_consent_text(session, new.id)
        assert consent.version == result.consent_text_version == 1
        body = (await programmes.consent_to_read(session, new.id, "ru", "ru")).body
        assert "Наставничество 2026/27" in body and "01.09.2026" in body
        assert "2025/26" not in body
        assert await session.scalar(select(func.count(ConsentText.id))
                                    .where(ConsentText.programme_id == source.id)) == 1

        # One personal, single-use mentor link per continuing mentor; nobody joined yet.
        assert len(result.invitations) == 1
        sent = result.invitations[0]
        assert (sent.previous_participation_id, sent.user_id) == (mentor_a.id, mentor_a.user_id)
        link = await invitations.resolve(session, sent.invitation.token)
        assert (link.role, link.programme_id, link.max_uses, link.uses) == ("mentor", new.id, 1, 0)
        assert link.participation_id == mentor_a.id and link.expires_at is not None
        assert await session.scalar(select(func.count(Participation.id))
                                    .where(Participation.programme_id == new.id)) == 0
        # The general mentor link of the new programme is not this personal one.
        assert await invitations.active_for(session, new.id, "mentor") is None
        # The old cycle is untouched.
        assert mentor_a.state == ParticipationState.PAIRED and source.state == "completed"


@pytest.mark.parametrize("who", ["mentee", "withdrawn", "other_programme", "missing"])
async def test_only_mentors_of_the_programme_can_be_invited(app, translator, who):
    async with app.sessionmaker() as session:
        source, (mentor_a, _, mentee, withdrawn) = await _source(session, translator)
        other = await create_programme(
            session, translator, organisation_id=source.organisation_id, title="Другая",
            starts_on=date(2025, 9, 1), ends_on=date(2026, 5, 31), forms=["student_student"])
        stranger = Participation(programme_id=other.id, user_id=mentor_a.user_id, role="mentor",
                                 state="paired", age_group="18_plus")
        session.add(stranger)
        await session.flush()
        ids = {"mentee": mentee.id, "withdrawn": withdrawn.id, "other_programme": stranger.id,
               "missing": 10_000}
        with pytest.raises(DomainError) as info:
            await next_cycle.clone_programme(
                session, CONSENT, source.id, title="Новая", starts_on=date(2026, 9, 1),
                ends_on=date(2027, 5, 31), mentor_participation_ids=[mentor_a.id, ids[who]])
        assert info.value.key == "cycle.error.mentor"


async def test_bad_period_and_unknown_programme_are_refused(app, translator):
    async with app.sessionmaker() as session:
        source, _ = await _source(session, translator)
        with pytest.raises(DomainError) as info:
            await next_cycle.clone_programme(
                session, CONSENT, source.id, title="Новая", starts_on=date(2027, 9, 1),
                ends_on=date(2027, 5, 31), mentor_participation_ids=[])
        assert info.value.key == "programme.error.period"
        with pytest.raises(DomainError) as info:
            await next_cycle.clone_programme(
                session, CONSENT, 9999, title="Новая", starts_on=date(2026, 9, 1),
                ends_on=date(2027, 5, 31), mentor_participation_ids=[])
        assert info.value.key == "cycle.error.source"


async def test_clone_without_mentors_or_materials(app, translator):
    async with app.sessionmaker() as session:
        org = await programmes.create_organisation(session, "Колледж", "college", "Europe/Moscow")
        source = await create_programme(
            session, translator, organisation_id=org.id, title="Старт",
            starts_on=date(2025, 9, 1), ends_on=date(2026, 5, 31), forms=["student_student"])
        result = await next_cycle.clone_programme(
            session, CONSENT, source.id, title="Продолжение", starts_on=date(2026, 9, 1),
            ends_on=date(2027, 5, 31), mentor_participation_ids=[])
        assert result.invitations == () and result.materials_copied == 0
        assert result.programme.community_link is None
