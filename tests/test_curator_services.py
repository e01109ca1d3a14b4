"""Services of the curator's side: parsing, access checks, state changes, the participant
card, the registry workbook and the mentors' materials hook."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from aiogram.methods import SendDocument
from openpyxl import load_workbook

from bot.services.errors import AccessDenied, DomainError
from bot.services.people import access, invitations, users
from bot.services.programmes import curation, materials, programmes
from bot.services.reports import registry_xlsx
from handlers.shared.consent import create_programme
from handlers.shared.mentor_kit import send_materials
from models import Participation, ParticipationState, SurveyAnswer, SurveyResponse
from tests.recording_bot import create_recording_bot


@pytest.mark.parametrize("text", ["31.02.2024", "2024-09-01", "", "1.13.2025", "01.09.1999", "x"])
def test_bad_dates_are_refused(text):
    with pytest.raises(DomainError) as info:
        curation.parse_date(text)
    assert info.value.key == "cur.error.date"


def test_dates_and_period():
    assert curation.parse_date(" 1.9.2025 ") == date(2025, 9, 1)
    assert curation.parse_date("29.02.2024") == date(2024, 2, 29)
    curation.check_period(date(2025, 9, 1), date(2026, 5, 31))
    for end in (date(2025, 9, 1), date(2025, 8, 31)):
        with pytest.raises(DomainError):
            curation.check_period(date(2025, 9, 1), end)


@pytest.mark.parametrize("text", ["ftp://a.ru/x", "https://", "example.org", "https://localhost/x",
                                  "javascript:alert(1)", "https://a.ru/" + "x" * 1000])
def test_bad_links_are_refused(text):
    with pytest.raises(DomainError):
        curation.parse_link(text)


def test_material_link_with_and_without_title():
    assert curation.parse_material_link("https://a.ru/m  Методичка  2025") == (
        "https://a.ru/m", "Методичка 2025")
    assert curation.parse_material_link("https://a.ru/m") == ("https://a.ru/m", "https://a.ru/m")


def test_owner_check():
    access.require_owner(frozenset({1}), 1)
    for who in (2, None):
        with pytest.raises(AccessDenied):
            access.require_owner(frozenset({1}), who)


async def _setup(session, translator):
    org_a = await programmes.create_organisation(session, "Школа А", "school", "Asia/Yekaterinburg")
    org_b = await programmes.create_organisation(session, "Школа Б", "college", "Europe/Moscow")
    alice = await users.get_or_create(session, 1)
    bob = await users.get_or_create(session, 2)
    await programmes.add_curator(session, org_a.id, alice.id, "Алиса")
    await programmes.add_curator(session, org_b.id, bob.id, "Боб")
    programme = await create_programme(
        session, translator, organisation_id=org_a.id, title="П", starts_on=date(2025, 9, 1),
        ends_on=date(2026, 5, 31), forms=["teacher_teacher"])
    return alice, bob, programme


async def test_access_is_per_organisation(app, translator):
    async with app.sessionmaker() as session:
        alice, bob, programme = await _setup(session, translator)
        assert (await access.require_curator(session, alice.id, programme.id)).id == programme.id
        assert [p.id for p in await access.curated_programmes(session, alice.id)] == [programme.id]
        assert await access.curated_programmes(session, bob.id) == []
        participation = Participation(programme_id=programme.id, role="mentor", state="ready",
                                      age_group="18_plus")
        session.add(participation)
        await session.flush()
        link = await invitations.create(session, organisation_id=programme.organisation_id,
                                        programme_id=programme.id, role="mentor")
        for check in (
            access.require_curator(session, bob.id, programme.id),
            access.require_curator(session, None, programme.id),
            access.require_curator(session, alice.id, 9999),
            access.require_participation(session, bob.id, participation.id),
            access.require_invitation(session, bob.id, programme.id, link.id),
            access.require_invitation(session, alice.id, programme.id, link.id + 100),
            access.require_organisation(session, bob.id, programme.organisation_id),
            access.require_any_curator(session, (await users.get_or_create(session, 3)).id),
        ):
            with pytest.raises(AccessDenied):
                await check


async def test_programme_states_move_forward_only(app, translator):
    async with app.sessionmaker() as session:
        _, _, programme = await _setup(session, translator)
        with pytest.raises(DomainError):
            await curation.advance_state(session, programme, "completed")
        await curation.advance_state(session, programme, "running")
        await curation.advance_state(session, programme, "completed")
        assert programme.state == "completed"
        with pytest.raises(DomainError):
            await curation.advance_state(session, programme, "running")


async def test_links_with_lifetime_and_limit(app, translator):
    async with app.sessionmaker() as session:
        _, _, programme = await _setup(session, translator)
        first = await curation.programme_link(session, programme, "mentee")
        assert await curation.programme_link(session, programme, "mentee") == first
        limited = await curation.new_programme_link(session, programme, "mentor", 30, 1)
        assert limited.max_uses == 1 and limited.expires_at is not None
        with pytest.raises(DomainError):
            await curation.new_programme_link(session, programme, "mentor", 5, 1)
        with pytest.raises(DomainError):
            await curation.programme_link(session, programme, "curator")


async def test_participant_card_summarises_answers(app, translator):
    async with app.sessionmaker() as session:
        _, _, programme = await _setup(session, translator)
        participation = Participation(programme_id=programme.id, role="mentor", state="ready",
                                      age_group="18_plus", full_name="Иванов Иван")
        session.add(participation)
        await session.flush()
        response = SurveyResponse(participation_id=participation.id, survey_id="mentor_profile",
                                  survey_version=1, context="profile",
                                  completed_at=datetime.now(UTC))
        session.add(response)
        await session.flush()
        session.add(SurveyAnswer(response_id=response.id, question_id="position",
                                 value="учитель физики"))
        await session.flush()
        card = await curation.participant_card(session, participation,
                                               translator.bind("ru").plain)
        assert card.full_name == "Иванов Иван"
        assert card.answers == [("Кем вы работаете или где учитесь?", "учитель физики")]


async def test_registry_workbook(app, translator):
    async with app.sessionmaker() as session:
        _, _, programme = await _setup(session, translator)
        late = datetime(2025, 9, 1, 20, 30, tzinfo=UTC)  # already 2 September in Yekaterinburg
        session.add_all([
            Participation(programme_id=programme.id, role="mentor", state="ready",
                          age_group="18_plus", full_name="Иванов Иван", form="teacher_teacher",
                          created_at=late, consent_at=late),
            Participation(programme_id=programme.id, role="mentee",
                          state=ParticipationState.GUARDIAN_PENDING, age_group="14_17",
                          created_at=late),
        ])
        await session.flush()
        rows = await curation.export_rows(session, programme.id)
    content = registry_xlsx.build(rows, translator.bind("ru"), "П")
    sheet = load_workbook(BytesIO(content)).active
    assert [c.value for c in sheet[1]][:6] == ["№", "ФИО", "Роль", "Форма наставничества",
                                               "Возрастная группа", "Статус"]
    # Rows by role (mentees, then mentors) and id, as the registry lists them.
    assert sheet["G2"].value == datetime(2025, 9, 2)
    assert sheet["H2"].value is None
    assert sheet["F2"].value == "ждём согласия родителя"
    assert sheet["B3"].value == "Иванов Иван" and sheet["H3"].value == datetime(2025, 9, 2)
    assert sheet.auto_filter.ref == "A1:J3" and sheet.freeze_panes == "A2"


async def test_materials_hook_sends_a_mentor_their_kit(app, translator):
    async with app.sessionmaker() as session:
        _, _, programme = await _setup(session, translator)
        mentor = await users.get_or_create(session, 77)
        participation = Participation(programme_id=programme.id, user_id=mentor.id, role="mentor",
                                      state="ready", age_group="18_plus")
        mentee = Participation(programme_id=programme.id, user_id=mentor.id, role="mentee",
                               state="ready", age_group="18_plus")
        session.add_all([participation, mentee])
        await session.flush()
        bot = create_recording_bot()
        await send_materials(bot, session, participation.id, translator.bind("ru"))
        assert bot.session.requests == []  # nothing to send yet
        await materials.add_link(session, programme.id, "https://a.ru/m Методичка")
        await materials.add_file(session, programme.id, "FILE-1", "План")
        await send_materials(bot, session, mentee.id, translator.bind("ru"))
        assert bot.session.requests == []  # mentees get no kit
        await send_materials(bot, session, participation.id, translator.bind("ru"))
        assert "Методичка" in str(bot.session.requests[0].reply_markup)
        assert isinstance(bot.session.requests[1], SendDocument)
        assert bot.session.requests[1].document == "FILE-1"
        assert [k.programme_id for k in await materials.for_mentor(session, mentor.id)] == [
            programme.id]
