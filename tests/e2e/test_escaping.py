"""Issue 16, item 3: text from people and files in messages (HTML: escaped) and on buttons and
callback answers (plain: as typed), through the emulator, which refuses what Telegram refuses
(an unescaped «<» in a message) and, strictly, an HTML entity in a button's text (Telegram would
show «&amp;» as it is).

Names like «Школа «Бета» & Co» and a roadmap cell «ноябрь <2026>» go everywhere the issue found
them: the roadmap preview (file text, translated warnings, titles of removed items), /orgs,
roadmap item buttons, plan goals and the pair picker, materials, the «nudge» button of /status
and its callback answer."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from bot.callbacks.curator import MaterialCallback
from bot.emulator.live import live_bot
from bot.services.people import users
from bot.services.programmes import programmes
from handlers.shared.consent import create_programme
from models import Organisation, Pair, Participation, ParticipationState
from models.base import utcnow
from tests.digest.seed import seed
from tests.e2e.helpers import answered, press, press_data
from tests.roadmapflow.test_roadmap_bot import add_person, setup
from tests.texts import t

OWNER = 520
CURATOR = 701
AMP = "Школа «Бета» & Co"
TAGS = "Отчёт <2026 & «выводы» > плана"


async def test_roadmap_preview_shows_file_text_as_typed_and_warnings_in_russian(live, emulator):
    _, programme_id = await setup(live, (date(2026, 9, 1), date(2027, 5, 31)))
    await add_person(live, programme_id, 741, "Петров Олег Иванович")
    curator = emulator.user(CURATOR, first_name="Мария", language_code="ru")
    await curator.send("/roadmap")
    await live.handled()
    await press(live, curator, "📥 Загрузить дорожную карту")
    curator.mark_read()
    await curator.send("№\tМероприятие\tСроки\tОтветственные\n"
                       f"1\t{TAGS}\tдо 15.10.2026\tПетров О.И.\n"
                       "2\tАнкетирование\tноябрь <2026>\tПетров О.И.\n"
                       "3\tИтоги года\tиюнь 2030\tПетров О.И.\n")
    (preview,) = await curator.wait_messages(1)
    assert "Предпросмотр" in preview.text, preview.text  # not «что-то пошло не так»
    assert "«ноябрь <2026>»" in preview.text  # the cell as it was typed
    assert "2: срок не прочитан: неожиданное «<»" in preview.text  # translated, with its cause
    assert "3: срок лежит вне периода программы" in preview.text
    assert "unreadable" not in preview.text and "outside" not in preview.text
    await press(live, curator, "✅ Сохранить")

    # Items gone from a new version of the document are listed by their titles.
    await curator.send("/roadmap")
    await live.handled()
    await press(live, curator, "📥 Загрузить дорожную карту")
    curator.mark_read()
    await curator.send("№\tМероприятие\tСроки\tОтветственные\n"
                       "2\tАнкетирование\tдо 20.11.2026\tПетров О.И.\n")
    (again,) = await curator.wait_messages(1)
    assert "Предпросмотр" in again.text, again.text
    assert f"1 {TAGS}" in again.text and "будут сняты" in again.text


async def test_roadmap_item_buttons_show_the_title_as_typed(live, emulator):
    _, programme_id = await setup(live, (date(2026, 9, 1), date(2027, 5, 31)))
    await add_person(live, programme_id, 742, "Петров Олег Иванович")
    curator = emulator.user(CURATOR, first_name="Мария", language_code="ru")
    await curator.send("/roadmap")
    await live.handled()
    await press(live, curator, "📥 Загрузить дорожную карту")
    curator.mark_read()
    # No number column: the item's button is labelled with its title.
    await curator.send(f"Мероприятие\tСроки\tОтветственные\n{AMP}: отчёт\tдо 15.10.2026\t"
                       "Петров О.И.\n")
    await curator.wait_messages(1)
    await press(live, curator, "✅ Сохранить")
    mentor = emulator.user(742, first_name="Олег", language_code="ru")
    await mentor.send("/roadmap")
    (mine,) = await mentor.wait_messages(1)
    assert f"{AMP}: отчёт" in mine.text
    assert mine.buttons == [f"✅ Выполнено: {AMP}: отчёт"]


async def test_orgs_materials_plan_and_pair_picker_buttons_show_names_as_typed(settings,
                                                                               emulator):
    settings = settings.model_copy(update={"admin_ids": frozenset({OWNER})})
    async with live_bot(settings, emulator) as live:
        owner = emulator.user(OWNER, first_name="Владелец", language_code="ru")
        await owner.send("/neworg")
        await owner.wait_messages(1)
        await owner.send(AMP)
        (proposal,) = await owner.wait_messages(1)
        assert "Администрация Школы «Бета» & Co выражает" in proposal.text  # escaped, as typed
        await owner.press(t("owner.new.genitive_ok"))
        await owner.wait_messages(1)
        await owner.press("Школа")
        await owner.wait_messages(1)
        await owner.press("Москва UTC+3")
        await owner.wait_messages(2)
        await owner.send("/orgs")
        (listing,) = await owner.wait_messages(1)
        assert AMP in listing.text
        assert listing.buttons == [f"🔗 {AMP}"]

        # A curator of that organisation, a programme, two pairs of one mentor.
        async with live.app.sessionmaker() as session, session.begin():
            organisation = await session.scalar(select(Organisation))
            curator = await users.get_or_create(session, CURATOR)
            await programmes.add_curator(session, organisation.id, curator.id, "Куратор")
            programme = await create_programme(
                session, live.app.translator, organisation_id=organisation.id, title=TAGS,
                starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31), forms=["teacher_teacher"])
            people = {}
            for telegram_id, role, name in ((743, "mentor", "Иванов «Ваня» & сын"),
                                            (744, "mentee", "Петрова <Аня>"),
                                            (745, "mentee", "Сидоров & Ко")):
                user = await users.get_or_create(session, telegram_id)
                participation = Participation(
                    programme_id=programme.id, user_id=user.id, role=role,
                    state=ParticipationState.PAIRED, age_group="18_plus", form="teacher_teacher",
                    full_name=name, consent_at=utcnow())
                session.add(participation)
                await session.flush()
                people[telegram_id] = participation.id
            for mentee in (744, 745):
                session.add(Pair(programme_id=programme.id, mentor_id=people[743],
                                 mentee_id=people[mentee], form="teacher_teacher",
                                 stage="intro", reasons=[]))
            programme_id = programme.id

        curator_user = emulator.user(CURATOR, first_name="Мария", language_code="ru")
        await curator_user.send("/start")
        await live.handled()
        await press_data(live, curator_user, MaterialCallback(
            action="add", programme_id=programme_id).pack())
        curator_user.mark_read()
        await curator_user.send(f"https://example.org/guide {AMP} <методичка>")
        _, materials_list = await curator_user.wait_messages(2)
        assert f"{AMP} <методичка>" in materials_list.text
        assert f"🗑 {AMP} <методичка>"[:42] in materials_list.buttons[0]
        assert "&amp;" not in materials_list.buttons[0]

        mentor = emulator.user(743, first_name="Иван", language_code="ru")
        await mentor.send("/materials")
        kit = await mentor.wait_messages(1)
        assert f"{AMP} <методичка>" in kit[-1].buttons

        await mentor.send("/plan")
        (pick,) = await mentor.wait_messages(1)
        assert f"Петрова <Аня> · {TAGS}"[:60] in pick.buttons
        assert f"Сидоров & Ко · {TAGS}"[:60] in pick.buttons
        mentor.mark_read()
        await press(live, mentor, f"Петрова <Аня> · {TAGS}"[:60])
        await press(live, mentor, "➕ Добавить цель")
        mentor.mark_read()
        await mentor.send("Читать <книги> & писать «эссе»")
        await mentor.wait_messages(1)
        await press(live, mentor, "Без срока")
        plan = mentor.last_message
        assert "Читать <книги> & писать «эссе»" in plan.text
        assert any(b.endswith("Читать <книги> & писать «эссе»") for b in plan.buttons), \
            plan.buttons


async def test_status_nudge_button_and_its_answer_show_the_name_as_typed(live, emulator):
    async with live.app.sessionmaker() as session, session.begin():
        seeded = await seed(session, live.app.translator, curator_telegram_id=CURATOR,
                            chat_id=None, people_base=7100)
        await session.execute(update(Participation).where(
            Participation.id == seeded.people["Иванова Анна"]).values(full_name=AMP))
    curator = emulator.user(CURATOR, first_name="Куратор", language_code="ru")
    await curator.send("/status")
    (status,) = await curator.wait_messages(1)
    assert AMP in status.text
    assert f"🔔 Напомнить: {AMP}" in status.buttons
    before = len(curator.callback_answers)
    await curator.press(f"🔔 Напомнить: {AMP}")
    await answered(live, curator, before)
    assert curator.callback_answers[-1].text == f"Напоминание отправлено: {AMP}"
