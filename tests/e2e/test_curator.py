"""The owner's and the curator's side over the real polling loop: organisations, programmes,
links and QR codes, forged buttons, the registry and its export, the curator chat, materials."""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.callbacks.curator import (
    ExportCallback,
    LinkCallback,
    MaterialCallback,
    ParticipantCallback,
    ProgrammeCallback,
    RegistryCallback,
)
from bot.emulator.live import live_bot
from bot.services.people import invitations, users
from bot.services.programmes import programmes
from handlers.shared.consent import create_programme
from models import Invitation, Material, Participation, ParticipationState, Programme
from models.base import utcnow
from tests.e2e.helpers import answered, eventually, press
from tests.texts import t

OWNER = 500
DENIED = t("access.denied")
CURATOR_ONLY = t("access.curator_only")
OWNER_ONLY = t("access.owner_only")
LINK = re.compile(r"https://t\.me/mentorbot_test_bot\?start=([A-Za-z0-9_-]+)")


@pytest.fixture
async def live(settings, emulator):
    settings = settings.model_copy(update={"admin_ids": frozenset({OWNER})})
    async with live_bot(settings, emulator) as running:
        yield running


async def seed_programme(live, curator_telegram_id: int, *, org: str = "Школа №1",
                         title: str = "Наставничество 2025") -> tuple[int, int]:
    """An organisation with this curator and one programme; (organisation id, programme id)."""
    async with live.app.sessionmaker() as session:
        organisation = await programmes.create_organisation(session, org, "school", "Europe/Moscow")
        user = await users.get_or_create(session, curator_telegram_id)
        await programmes.add_curator(session, organisation.id, user.id, "Куратор")
        programme = await create_programme(
            session, live.app.translator, organisation_id=organisation.id, title=title,
            starts_on=date(2025, 9, 1), ends_on=date(2026, 5, 31), forms=["teacher_teacher"])
        await session.commit()
        return organisation.id, programme.id


async def add_participant(live, programme_id: int, *, telegram_id: int | None = None,
                          role: str = "mentor", state: str = ParticipationState.READY,
                          name: str | None = "Петров Пётр") -> int:
    async with live.app.sessionmaker() as session:
        user_id = (await users.get_or_create(session, telegram_id)).id if telegram_id else None
        participation = Participation(
            programme_id=programme_id, user_id=user_id, role=role, state=state,
            age_group="14_17" if state == ParticipationState.GUARDIAN_PENDING else "18_plus",
            form="teacher_teacher",
            full_name=None if state == ParticipationState.GUARDIAN_PENDING else name,
            consent_at=None if state == ParticipationState.GUARDIAN_PENDING else utcnow())
        session.add(participation)
        await session.commit()
        return participation.id


async def programme_count(live) -> int:
    async with live.app.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(Programme))


async def test_owner_curator_programme_link_and_participant_reach_consent(live, emulator):
    owner = emulator.user(OWNER, first_name="Владелец", language_code="ru")
    await owner.send("/neworg")
    await owner.wait_messages(1)
    await owner.send("Гимназия №7")
    await owner.wait_messages(1)
    await owner.press(t("owner.new.genitive_ok"))
    (kinds,) = await owner.wait_messages(1)
    assert t("owner.kind.college") in kinds.buttons
    await owner.press(t("owner.kind.school"))
    await owner.wait_messages(1)
    await owner.press("Москва UTC+3")
    done, link_message = await owner.wait_messages(2)
    assert "Гимназия №7" in done.text
    curator_token = LINK.search(link_message.text).group(1)

    await owner.send("/orgs")
    (listing,) = await owner.wait_messages(1)
    assert "Гимназия №7 — Школа, Europe/Moscow" in listing.text
    await owner.press("🔗 Гимназия №7")
    (fresh,) = await owner.wait_messages(1)
    assert LINK.search(fresh.text).group(1) != curator_token

    curator = emulator.user(601, first_name="Мария", language_code="ru")
    await curator.send(f"/start {curator_token}")
    (intro,) = await curator.wait_messages(1)
    assert "Гимназия №7" in intro.text
    await curator.send("Иванова Мария Петровна")
    (joined,) = await curator.wait_messages(1)
    assert "/newprogramme" in joined.text
    # The curator's own chat gets the curator's command menu, in both languages.
    curator_menu = {c["command"] for c in emulator.commands[("chat:601", "ru")]}
    assert {"programmes", "newprogramme", "participants"} <= curator_menu
    assert emulator.commands[("chat:601", "en")][0]["description"]

    await curator.send("/newprogramme")
    await curator.wait_messages(1)
    await curator.send("Педагоги 2025")
    await curator.wait_messages(1)
    await curator.send("01.09.2025")
    await curator.wait_messages(1)
    await curator.send("31.05.2026")
    (picker,) = await curator.wait_messages(1)
    assert t("form.teacher_teacher") in picker.buttons
    await press(live, curator, t("form.teacher_teacher"))
    assert "✅ учитель – учитель" in curator.last_message.buttons
    await curator.press(t("cur.new.custom_button"))
    await curator.wait_messages(1)
    await curator.send("выпускник – ученик")
    (picker2,) = await curator.wait_messages(1)
    assert "выпускник – ученик" in picker2.text
    await curator.press(t("cur.new.forms_done"))
    (cadence,) = await curator.wait_messages(1)
    assert "Раз в 14 дн. (обычно)" in cadence.buttons
    await curator.press("Раз в 14 дн. (обычно)")
    _, card = await curator.wait_messages(2)
    assert "Педагоги 2025" in card.text and t("cur.state.preparing") in card.text
    assert "01.09.2025 — 31.05.2026" in card.text
    programme = await eventually(live, lambda session: session.scalar(select(Programme)))
    assert programme.forms == ["teacher_teacher", "custom:выпускник – ученик"]
    assert programme.cadence_days == 14 and programme.state == "preparing"

    await curator.press(t("cur.card.link_mentor"))
    link_card, qr = await curator.wait_messages(2)
    assert t("cur.link.role_mentor") in link_card.text and t("cur.link.no_expiry") in link_card.text
    assert qr.photo is not None and qr.photo.startswith(b"\x89PNG")
    mentor_token = LINK.search(qr.raw["caption"]).group(1)
    assert LINK.search(link_card.text).group(1) == mentor_token

    mentor = emulator.user(602, first_name="Олег", language_code="ru")
    await mentor.send(f"/start {mentor_token}")
    welcome, ages = await mentor.wait_messages(2)
    assert "Педагоги 2025" in welcome.text and t("role.mentor") in welcome.text
    await press(live, mentor, t("age_group.18_plus"))
    consent = mentor.last_message
    assert t("consent.accept") in consent.buttons
    assert "Педагоги 2025" in consent.text and "Гимназия №7" in consent.text

    # The card can start the programme.
    await press(live, curator, t("cur.card.run"))
    async with live.app.sessionmaker() as session:
        print("ANSWERS", curator.callback_answers[-2:], len(curator.callback_answers))
        assert (await session.get(Programme, programme.id)).state == "running"


async def test_bad_inputs_in_newprogramme_reprompt_and_create_nothing(live, emulator):
    curator = emulator.user(611, first_name="Анна", language_code="ru")
    await seed_programme(live, 611)
    before = await programme_count(live)
    await curator.send("/newprogramme")
    await curator.wait_messages(1)
    await curator.send_photo()
    (reply,) = await curator.wait_messages(1)
    assert "Нужен ответ текстом" in reply.text
    await curator.send("   ")
    (reply,) = await curator.wait_messages(1)
    assert "Название должно быть непустым" in reply.text
    await curator.send("x" * 201)
    (reply,) = await curator.wait_messages(1)
    assert "Название должно быть непустым" in reply.text
    await curator.send("Программа")
    await curator.wait_messages(1)
    await curator.send("31.02.2024")
    (reply,) = await curator.wait_messages(1)
    assert "Не понял дату" in reply.text
    await curator.send("завтра")
    (reply,) = await curator.wait_messages(1)
    assert "Не понял дату" in reply.text
    await curator.send("01.09.2025")
    await curator.wait_messages(1)
    await curator.send("01.08.2025")
    (reply,) = await curator.wait_messages(1)
    assert "позже даты начала" in reply.text
    await curator.send("01.09.2025")
    (reply,) = await curator.wait_messages(1)
    assert "позже даты начала" in reply.text
    await curator.send("31.05.2026")
    await curator.wait_messages(1)
    await curator.send("текст вместо кнопки")
    (reply,) = await curator.wait_messages(1)
    assert "кнопкой" in reply.text
    await curator.press(t("cur.new.forms_done"))  # no form chosen
    await live.handled()
    assert curator.callback_answers[-1].text == t("programme.error.forms")
    await curator.send("/cancel")
    await curator.wait_messages(1)
    assert await programme_count(live) == before


async def test_forged_buttons_and_foreign_commands_are_refused_and_logged(live, emulator, caplog):
    caplog.set_level(logging.WARNING, logger="mentorbot.errors")
    _, programme_a = await seed_programme(live, 621, org="Школа А", title="Программа А")
    _, programme_b = await seed_programme(live, 622, org="Школа Б", title="Программа Б")
    participation_a = await add_participant(live, programme_a, telegram_id=623)
    async with live.app.sessionmaker() as session:
        programme = await session.get(Programme, programme_a)
        link_a = await invitations.create(session, organisation_id=programme.organisation_id,
                                          programme_id=programme_a, role="mentor")
        material = Material(programme_id=programme_a, title="Методичка", url="https://a.example/m")
        session.add(material)
        await session.commit()
        material_id = material.id

    intruder = emulator.user(622, first_name="Чужой", language_code="ru")
    await intruder.send("/programmes")
    (own,) = await intruder.wait_messages(1)
    assert "Программа Б" in own.text and "Программа А" not in own.text
    forged = [
        ProgrammeCallback(action="card", programme_id=programme_a),
        ProgrammeCallback(action="run", programme_id=programme_a),
        ProgrammeCallback(action="mats", programme_id=programme_a),
        LinkCallback(action="show", programme_id=programme_a, role="mentor"),
        LinkCallback(action="revoke", programme_id=programme_b, role="mentor",
                     invitation_id=link_a.id),
        RegistryCallback(programme_id=programme_a),
        ParticipantCallback(participation_id=participation_a),
        ExportCallback(programme_id=programme_a),
        MaterialCallback(action="del", programme_id=programme_b, material_id=material_id),
        MaterialCallback(action="del", programme_id=programme_a, material_id=material_id),
    ]
    for data in forged:
        before = len(intruder.callback_answers)
        await intruder.press_data(data.pack(), own.message_id)
        await answered(live, intruder, before)
        answer = intruder.callback_answers[-1]
        assert answer.text == DENIED and answer.show_alert, data
    assert len(intruder.messages) == 1  # nothing of programme A was shown
    assert caplog.text.count("access refused") >= len(forged)
    async with live.app.sessionmaker() as session:
        assert (await session.get(Programme, programme_a)).state == "preparing"
        assert (await session.get(Invitation, link_a.id)).revoked_at is None
        assert await session.get(Material, material_id) is not None

    mentor = emulator.user(623, first_name="Наставник", language_code="ru")
    for command, refusal in (("/participants", CURATOR_ONLY), ("/newprogramme", CURATOR_ONLY),
                             ("/programmes", CURATOR_ONLY), ("/neworg", OWNER_ONLY),
                             ("/orgs", OWNER_ONLY)):
        await mentor.send(command)
        (reply,) = await mentor.wait_messages(1)
        assert reply.text == refusal, command
    curator = emulator.user(621, first_name="Куратор", language_code="ru")
    await curator.send("/neworg")
    (reply,) = await curator.wait_messages(1)
    assert reply.text == OWNER_ONLY


async def test_revoked_expired_and_used_up_links_are_explained(live, emulator):
    organisation_id, programme_id = await seed_programme(live, 631)
    async with live.app.sessionmaker() as session:
        expired = await invitations.create(
            session, organisation_id=organisation_id, programme_id=programme_id, role="mentee",
            expires_in=timedelta(days=7), now=utcnow() - timedelta(days=8))
        used = await invitations.create(session, organisation_id=organisation_id,
                                        programme_id=programme_id, role="mentee", max_uses=1)
        await invitations.consume(session, used)
        await session.commit()
    person = emulator.user(632, first_name="Ученик", language_code="ru")
    await person.send(f"/start {expired.token}")
    (reply,) = await person.wait_messages(1)
    assert reply.text.startswith("Срок действия приглашения истёк")
    await person.send(f"/start {used.token}")
    (reply,) = await person.wait_messages(1)
    assert reply.text.startswith("По этой ссылке уже присоединилось")

    # Revoked and limited links made through the curator's buttons.
    curator = emulator.user(631, first_name="Куратор", language_code="ru")
    await curator.send("/programmes")
    await curator.wait_messages(1)
    await curator.press("Наставничество 2025")
    await curator.wait_messages(1)
    await curator.press(t("cur.card.link_mentee"))
    link_card, _ = await curator.wait_messages(2)
    token = LINK.search(link_card.text).group(1)
    await press(live, curator, t("cur.link.revoke"))  # asks first
    (question,) = await curator.wait_messages(1)
    assert "Отозвать ссылку для наставляемых" in question.text
    await press(live, curator, t("cur.link.revoke_yes"))
    edited = next(m for m in curator.messages if m.message_id == question.message_id)
    assert edited.text.startswith("Ссылка отозвана")

    async def revoked(session):
        return await session.scalar(select(Invitation.revoked_at).where(Invitation.token == token))

    assert await eventually(live, revoked)
    await person.send(f"/start {token}")
    (reply,) = await person.wait_messages(1)
    assert reply.text.startswith("Это приглашение отозвано")

    await press(live, curator, "7 дней")
    await curator.press("1")
    new_card, qr = await curator.wait_messages(2)
    assert "0 из 1" in new_card.text and t("cur.link.no_expiry") not in new_card.text
    async def limited(session):
        return await session.scalar(select(Invitation).where(Invitation.max_uses == 1,
                                                             Invitation.role == "mentee",
                                                             Invitation.uses == 0))
    newest = await eventually(live, limited)
    assert newest.max_uses == 1 and newest.role == "mentee"
    assert timedelta(days=6) < newest.expires_at - utcnow() <= timedelta(days=7)


async def test_registry_paging_filter_card_and_xlsx_export(live, emulator):
    _, programme_id = await seed_programme(live, 641)
    for n in range(14):
        await add_participant(live, programme_id, name=f"Наставник {n:02d}")
    for n in range(8):
        await add_participant(live, programme_id, role="mentee", state=ParticipationState.QUESTIONNAIRE,
                              name=f"Ученик {n:02d}")
    for _ in range(3):
        await add_participant(live, programme_id, role="mentee",
                              state=ParticipationState.GUARDIAN_PENDING)
    curator = emulator.user(641, first_name="Куратор", language_code="ru")
    await curator.send("/participants")
    (registry,) = await curator.wait_messages(1)
    assert "25, страница 1 из 3" in registry.text
    await press(live, curator, "▶️")
    assert "страница 2 из 3" in curator.last_message.text
    await press(live, curator, t("state.guardian_pending"))
    pending = curator.last_message
    assert "3, страница 1 из 1" in pending.text
    assert pending.text.count("(имя после согласия) — наставляемый, учитель – учитель, ждём согласия родителя") == 3
    await press(live, curator, "Наставники")
    assert "Никого нет" in curator.last_message.text
    await press(live, curator, t("cur.reg.all_states"))
    assert "14, страница 1 из 2" in curator.last_message.text
    await curator.press("1. Наставник 00")
    (card,) = await curator.wait_messages(1)
    assert "Наставник 00" in card.text and t("state.ready") in card.text
    assert t("form.teacher_teacher") in card.text

    await curator.press(t("cur.reg.export"))
    (export,) = await curator.wait_messages(1)
    assert export.document.filename.endswith(".xlsx")
    sheet = load_workbook(BytesIO(export.document.content)).active
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["№", "ФИО", "Роль"] and t("reg.xlsx.consent") in headers
    assert sheet.max_row == 26
    assert isinstance(sheet["G2"].value, datetime)
    assert sheet["G2"].number_format == "DD.MM.YYYY"
    assert sheet.auto_filter.ref == "A1:J26"
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width > 10
    states = {sheet.cell(row=r, column=6).value for r in range(2, 27)}
    assert t("state.guardian_pending") in states


async def test_bind_curator_chat_in_a_group(live, emulator):
    # Real-sized ids: a newer account's id and a supergroup's id do not fit 32 bits.
    _, programme_id = await seed_programme(live, 7_123_456_651)
    curator = emulator.user(7_123_456_651, first_name="Куратор", language_code="ru")
    stranger = emulator.user(652, first_name="Посторонний", language_code="ru")
    group = emulator.group(-1001987654321, "Кураторы")
    await group.add_bot(by=curator)
    await group.send(stranger, "/bind")
    await live.handled()
    assert group.messages == []  # not a curator: nothing offered
    await group.send(curator, "/bind")
    (choice,) = await group.wait_messages(1)
    assert "Наставничество 2025" in choice.buttons
    await press(live, stranger, "Наставничество 2025", group)
    assert stranger.callback_answers[-1].text == DENIED
    async with live.app.sessionmaker() as session:
        assert (await session.get(Programme, programme_id)).curator_chat_id is None
    await press(live, curator, "Наставничество 2025", group)
    assert "чат куратора программы «Наставничество 2025»" in group.last_message.text
    async def bound(session):
        return (await session.get(Programme, programme_id)).curator_chat_id == -1001987654321

    assert await eventually(live, bound)
    await curator.send("/programmes")
    await curator.wait_messages(1)
    await curator.press("Наставничество 2025")
    (card,) = await curator.wait_messages(1)
    assert t("cur.card.chat_group") in card.text


async def test_materials_and_community_link_reach_mentors(live, emulator):
    _, programme_id = await seed_programme(live, 661)
    await add_participant(live, programme_id, telegram_id=662)
    curator = emulator.user(661, first_name="Куратор", language_code="ru")
    await curator.send("/programmes")
    await curator.wait_messages(1)
    await curator.press("Наставничество 2025")
    await curator.wait_messages(1)
    await curator.press(t("cur.card.materials"))
    (admin,) = await curator.wait_messages(1)
    assert "Материалов пока нет" in admin.text
    await curator.press(t("mat.add_button"))
    await curator.wait_messages(1)
    await curator.send("ftp://example.org/file")
    (reply,) = await curator.wait_messages(1)
    assert "https://" in reply.text
    await curator.send("https://example.org/guide Методичка для наставника")
    _, listing = await curator.wait_messages(2)
    assert "Методичка для наставника" in listing.text
    await curator.press(t("mat.add_button"))
    await curator.wait_messages(1)
    await curator.send_document("plan.pdf", b"%PDF-1.4 plan", caption="План работы")
    _, listing = await curator.wait_messages(2)
    assert "План работы — файл" in listing.text
    await curator.press(t("cur.back"))
    await curator.wait_messages(1)
    await curator.press(t("cur.card.community"))
    await curator.wait_messages(1)
    await curator.send("https://t.me/+mentors")
    saved, card = await curator.wait_messages(2)
    assert "https://t.me/+mentors" in card.text

    mentor = emulator.user(662, first_name="Наставник", language_code="ru")
    await mentor.send("/materials")
    kit, document = await mentor.wait_messages(2)
    assert kit.buttons == ["Методичка для наставника", t("mat.community_button")]
    urls = [b.get("url") for b in kit.inline_buttons()]
    assert urls == ["https://example.org/guide", "https://t.me/+mentors"]
    assert document.document.filename == "plan.pdf"
    assert document.document.content == b"%PDF-1.4 plan"

    mentee = emulator.user(663, first_name="Ученик", language_code="ru")
    await add_participant(live, programme_id, telegram_id=663, role="mentee")
    await mentee.send("/materials")
    (reply,) = await mentee.wait_messages(1)
    assert "не наставник" in reply.text

    # Deleting a material.
    await curator.press(t("cur.card.materials"))
    await curator.wait_messages(1)
    await curator.press("🗑 Методичка для наставника")
    (question,) = await curator.wait_messages(1)  # asks first
    assert "Удалить материал «Методичка для наставника»?" in question.text
    await curator.press(t("mat.delete_yes"))
    await curator.wait_messages(1)

    async def titles(session):
        found = (await session.scalars(select(Material.title))).all()
        return found if len(found) == 1 else None

    assert await eventually(live, titles) == ["План работы"]
