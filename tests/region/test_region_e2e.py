"""The regional centre end to end, over the real polling loop and the outbox sender: the owner
invites a coordinator with a link, the coordinator reads /region (paged, what needs attention
first, «<5», no participant's name anywhere), gets the workbook (its numbers checked against the
database), the digest now and weekly at the chosen time, and nudges a curator once a day; a
curator, a coordinator of another region and forged buttons get nothing."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.callbacks.region import RegionAction, RegionCallback
from bot.clock import Clock, ManualClock
from bot.emulator.live import live_bot
from bot.services.region import access as region_access
from models import (
    OutboxMessage,
    Participation,
    ParticipationState,
    Programme,
    RegionCoordinator,
    RegionOrganisation,
)
from scheduler import curator_jobs
from scheduler.jobs import JobContext
from tests.e2e.helpers import press, press_data
from tests.region.seed import CURATORS, NAME, REGION, seed_region, this_monday
from tests.texts import button, t

NUDGE_COLLEGE = button("region.button.nudge", number=1, name="Колледж № 2")

OWNER = 790
COORDINATOR = 791
LINK = re.compile(r"start=(rg[A-Za-z0-9_-]+)")
DENIED = button("access.denied")  # a callback's answer: plain text
STALE = button("access.stale")
COORDINATOR_ONLY = t("access.coordinator_only")


def owned(settings):
    return settings.model_copy(update={"admin_ids": frozenset({OWNER})})


async def seeded(live, now: datetime | None = None):
    async with live.app.sessionmaker() as session, session.begin():
        return await seed_region(session, live.app.translator, now=now or datetime.now(UTC))


async def invited(live, emulator, telegram_id: int = COORDINATOR, region: str = REGION):
    """The owner opens /regions, takes a coordinator's link of the region, the person joins."""
    owner = emulator.user(OWNER, first_name="Владелец", language_code="ru")
    owner.mark_read()
    await owner.send("/regions")
    await owner.wait_messages(1)
    await press(live, owner, button("region.owner.link_button", name=region))
    (link,) = await owner.wait_messages(1)
    token = LINK.search(link.text).group(1)
    coordinator = emulator.user(telegram_id, first_name="Координатор", language_code="ru")
    await coordinator.send(f"/start {token}")
    (joined,) = await coordinator.wait_messages(1)
    assert f"вы координатор региона «{region}»" in joined.text
    return coordinator


def no_names(*texts: str) -> None:
    for text in texts:
        assert NAME not in text, text
        assert "Школа вне региона" not in text and "Чужой Куратор" not in text, text


async def test_owner_creates_a_region_picks_organisations_and_invites(settings, emulator):
    owner = emulator.user(OWNER, first_name="Владелец", language_code="ru")
    async with live_bot(owned(settings), emulator) as live:
        await seeded(live)
        await owner.send("/newregion")
        await owner.wait_messages(1)
        await owner.send("Вятский <край> & Co")  # escaped wherever it is shown
        await owner.wait_messages(1)
        await press(live, owner, "Самара UTC+4")
        created, toggles = await owner.wait_messages(2)
        assert "Регион «Вятский <край> & Co» создан (Europe/Samara)." in created.text
        assert "▫️ Школа № 1" in toggles.buttons and button("region.button.next") in toggles.buttons
        await press(live, owner, "▫️ Школа № 1")
        assert "✅ Школа № 1" in owner.last_message.buttons  # the same message, edited
        await press(live, owner, button("region.owner.link_here"))
        (link,) = await owner.wait_messages(1)
        assert "Действует 7 дн., до 3 человек" in link.text
        coordinator = emulator.user(COORDINATOR, first_name="Координатор", language_code="ru")
        await coordinator.send(f"/start {LINK.search(link.text).group(1)}")
        await coordinator.wait_messages(1)
        await coordinator.send("/region")
        (page,) = await coordinator.wait_messages(1)
        assert "🏛 Вятский <край> & Co" in page.text and "Организаций: 1;" in page.text
        assert "1. Школа № 1" in page.text and "Колледж № 2" not in page.text
        menu = {c["command"] for c in emulator.commands[(f"chat:{COORDINATOR}", "ru")]}
        assert "region" in menu and "status" not in menu


async def test_coordinator_reads_region_report_digest_and_nudges(settings, emulator):
    async with live_bot(owned(settings), emulator) as live:
        region = await seeded(live)
        coordinator = await invited(live, emulator)

        await coordinator.send("/region")
        (page,) = await coordinator.wait_messages(1)
        text = page.text
        no_names(text)
        assert "🏛 Кировская область" in text
        assert "Организаций: 10; с идущей программой: 2, с готовящейся: 0, с завершённой: 1" \
            in text
        assert "Наставники: 14, наставляемые: 15" in text
        # 3 of 9 active pairs at risk: a small group, and its share would give it away
        assert "Пары: 9 (знакомство <5, рабочие 6); без встречи дольше срока: <5 (<5)" in text
        assert "Встречи: на этой неделе 0, на прошлой 6; полезность за 4 недели: 8.0" in text
        assert "ответили на итоговый опрос <5; этап 1 (качество) — <5, этап 2 (рост) — <5" in text
        assert "наставляемый, учитель – учитель, 14–17 лет — <5" in text
        assert "наставник, учитель – учитель, 18 лет и старше — 14" in text
        assert "Нет встреч две недели: 1 орг.; мониторинг не пройден: 1 орг.; просрочены " \
               "сроки: 1 орг." in text
        assert "Организации 1–8 из 10" in text
        # what needs attention first: two reasons, then one, then the rest by name
        order = [text.index(f"{n}. {name}") for n, name in
                 ((1, "Колледж № 2"), (2, "Гимназия № 3"), (3, "Пустая школа 1"))]
        assert order == sorted(order)
        assert "1. Колледж № 2 ⚠️ нет встреч 2 нед. ⚠️ просрочено 2" in text
        assert "наставники <5, наставляемые <5, пары <5 (без встреч <5)" in text
        assert "2. Гимназия № 3 ⚠️ мониторинг" in text
        assert "Куратор: Петров Олег" in text  # whom to contact
        assert f"tg://user?id={CURATORS['Колледж № 2'][0]}" in [
            e.get("url") for e in page.raw["entities"] if e["type"] == "text_link"]
        assert "Школа № 1" not in text  # the tenth: on the next page
        assert page.buttons[:2] == [button("region.button.nudge", number=1, name="Колледж № 2"),
                                    button("region.button.nudge", number=2, name="Гимназия № 3")]

        await press(live, coordinator, button("region.button.next"))
        second = coordinator.last_message
        assert second.message_id == page.message_id and second.edited
        assert "Организации 9–10 из 10" in second.text and "10. Школа № 1" in second.text
        assert "Участники по ролям" not in second.text  # the breakdown is on the first page
        assert "наставники 6, наставляемые 7, пары 6 (без встреч 0)" in second.text
        no_names(second.text)
        await press(live, coordinator, button("region.button.previous"))
        assert "1. Колледж № 2" in coordinator.last_message.text

        # the workbook, its numbers against the database
        await press(live, coordinator, button("region.button.report"))
        (report,) = await coordinator.wait_messages(1)
        assert report.document.filename.endswith(".xlsx")
        book = load_workbook(BytesIO(report.document.content))
        assert book.sheetnames == ["Сводка", "ФСН", "Мониторинг", "Группа риска", "Организации"]
        for sheet in book.worksheets:
            no_names(*[str(c.value) for row in sheet.iter_rows() for c in row
                       if c.value is not None])
        fsn = book["ФСН"]
        header = [c.value for c in fsn[1]]
        rows = {row[0].value: [c.value for c in row] for row in fsn.iter_rows(min_row=2)}
        async with live.app.sessionmaker() as session:
            counted = (await session.execute(
                select(Programme.organisation_id, Participation.role, Participation.age_group,
                       func.count())
                .join(Programme, Programme.id == Participation.programme_id)
                .join(RegionOrganisation,
                      RegionOrganisation.organisation_id == Programme.organisation_id)
                .where(RegionOrganisation.region_id == region.region_id,
                       Participation.state != ParticipationState.WITHDRAWN)
                .group_by(Programme.organisation_id, Participation.role,
                          Participation.age_group))).all()
        names = {i: name for name, i in region.organisations.items()}
        ages = {"18_plus": "18 лет и старше", "14_17": "14–17 лет"}
        roles = {"mentor": "наставник", "mentee": "наставляемый"}
        totals: dict[str, int] = {}
        for org_id, role, age, n in counted:
            column = header.index(f"{roles[role]}: учитель – учитель, {ages[age]}")
            assert rows[names[org_id]][column] == (n if n >= 5 else "<5"), (names[org_id], role)
            totals[column] = totals.get(column, 0) + n
        for column, n in totals.items():
            assert rows["Итого по региону"][column] == (n if n >= 5 else "<5")
        assert rows["Итого по региону"][header.index("Всего, наставник")] == 14
        assert rows["Школа № 1"][header.index("Всего, наставляемый")] == 7
        assert rows["Колледж № 2"][header.index("Всего, наставляемый")] == "<5"
        assert "Школа вне региона" not in rows
        monitoring = {row[0].value: [c.value for c in row]
                      for row in book["Мониторинг"].iter_rows(min_row=2)}
        assert monitoring["Гимназия № 3"][1:] == ["да", 10, "<5", "<5", "<5", "<5"]
        at_risk = [[c.value for c in row] for row in book["Группа риска"].iter_rows(min_row=2)]
        assert [row[0] for row in at_risk] == ["Колледж № 2", "Гимназия № 3"]
        assert at_risk[0][1:] == ["Петров Олег", "<5", "<5", "<5", "да", "нет", 2]
        summary = {row[0].value: row[1].value for row in book["Сводка"].iter_rows(min_row=2)}
        assert summary["Наставников (без выбывших)"] == 14
        assert summary["Полезность встреч за 4 недели (1–10)"] == 8

        # the digest now: the same figures, and a chart
        await press(live, coordinator, button("region.button.digest_now"))
        digest_text, chart = await coordinator.wait_messages(2, timeout=15)
        no_names(digest_text.text)
        assert "Дайджест региона «Кировская область»" in digest_text.text
        assert "Наставники: 14, наставляемые: 15" in digest_text.text
        assert "Пары: 9; без встречи дольше срока: &lt;5" not in digest_text.text  # escaped once
        assert "без встречи дольше срока: <5 (<5)" in digest_text.text
        assert "нет встреч две недели — 1 орг., мониторинг не пройден — 1 орг., просрочены " \
               "сроки — 1 орг. (пунктов: 2)" in digest_text.text
        assert chart.photo is not None and chart.photo.startswith(b"\x89PNG")
        # pressed again (in the same minute, as a rule): nothing more is queued (the «now» rows
        # only: the bot's weekly job, on the real clock, may queue this real week's meanwhile)
        async with live.app.sessionmaker() as session:
            queued = await session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.dedupe_key.like("region_digest:%:now:%")))
        await press(live, coordinator, button("region.button.digest_now"))
        async with live.app.sessionmaker() as session:
            again = await session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.dedupe_key.like("region_digest:%:now:%")))
        assert (coordinator.callback_answers[-1].text, again) in (
            ("Дайджест уже отправлен минуту назад.", queued),
            ("Дайджест придёт через несколько секунд.", queued + 2))  # the minute turned
        coordinator.mark_read()

        # «remind the curator»: the college's curator gets one message, once a day
        curator = emulator.user(CURATORS["Колледж № 2"][0], first_name="Олег",
                                language_code="ru")
        curator.chat.known = True
        await press(live, coordinator, NUDGE_COLLEGE)
        assert coordinator.callback_answers[-1].text == button("region.nudge.sent", n=1)
        (reminder,) = await curator.wait_messages(1, timeout=15)
        assert "Кировская область" in reminder.text and "«Колледж № 2»" in reminder.text
        assert "у пар не было встреч две недели; просрочены сроки дорожной карты" \
            in reminder.text
        no_names(reminder.text)
        await press(live, coordinator, NUDGE_COLLEGE)
        assert coordinator.callback_answers[-1].text == \
            "Сегодня этой организации уже напоминали."
        await live.handled()
        async with live.app.sessionmaker() as session:
            nudges = await session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.dedupe_key.like(f"region_nudge:{region.organisations['Колледж № 2']}:%")))
        assert nudges == 1 and len(curator.messages) == 1

        # the curator's /help says what the region sees of their figures
        await curator.send("/help")
        (help_text,) = await curator.wait_messages(1)
        assert "Ваша организация входит в регион: Кировская область" in help_text.text
        assert "Группы меньше 5 человек показываются как «<5»" in help_text.text


async def test_weekly_digest_at_the_chosen_day_and_time(settings, emulator):
    now = datetime.now(UTC)
    # last week's Wednesday 10:00 Moscow time (07:00 UTC): always in the past
    wednesday = this_monday(now) - timedelta(days=5) + timedelta(hours=10)

    def quiet_jobs(app) -> None:
        # The bot's own jobs run an hour before that moment: on the real clock they would send
        # this real week's digest meanwhile (the test asks for each week's itself).
        app.dispatcher["scheduler"].clock = ManualClock(wednesday - timedelta(hours=1))

    async with live_bot(owned(settings), emulator, quiet_jobs) as live:
        live.app.dispatcher["scheduler"].sender.clock = Clock()  # delivery on the real clock
        await seeded(live, now)
        coordinator = await invited(live, emulator)
        await coordinator.send("/region")
        await coordinator.wait_messages(1)
        await press(live, coordinator, "⏰ День и время дайджеста")
        (ask,) = await coordinator.wait_messages(1)
        assert "приходит: Понедельник, 09:00" in ask.text
        await press(live, coordinator, "Среда")
        await press(live, coordinator, "10:00")
        assert coordinator.last_message.text == \
            "Сохранено: дайджест региона «Кировская область» — Среда, 10:00."
        def job(moment: datetime) -> JobContext:
            return JobContext(live.app.settings, live.app.sessionmaker, live.app.translator,
                              ManualClock(moment), live.bot,
                              live.app.dispatcher["scheduler"].wake)

        assert await curator_jobs.region_digest_job(job(wednesday - timedelta(minutes=5))) == 0
        assert await curator_jobs.region_digest_job(job(wednesday)) == 2
        assert await curator_jobs.region_digest_job(job(wednesday + timedelta(minutes=5))) == 0
        text, chart = await coordinator.wait_messages(2, timeout=15)
        assert "Дайджест региона «Кировская область»" in text.text
        assert text.buttons == ["📋 Открыть список организаций"]
        assert chart.photo is not None
        no_names(text.text)
        await press(live, coordinator, "📋 Открыть список организаций")
        (page,) = await coordinator.wait_messages(1)
        assert "1. Колледж № 2" in page.text
        # the next week it comes again
        assert await curator_jobs.region_digest_job(job(wednesday + timedelta(days=7))) == 2


async def test_curators_others_and_forged_buttons_see_nothing(settings, emulator):
    async with live_bot(owned(settings), emulator) as live:
        region = await seeded(live)
        # a second region, coordinated by someone else
        async with live.app.sessionmaker() as session, session.begin():
            other = await region_access.create_region(session, "Другой край", "Europe/Moscow")
            await region_access.add_organisations(session, other.id, [region.outside_id])
        coordinator = await invited(live, emulator)
        stranger = await invited(live, emulator, 792, "Другой край")

        curator = emulator.user(CURATORS["Школа № 1"][0], first_name="Мария", language_code="ru")
        await curator.send("/region")
        (refusal,) = await curator.wait_messages(1)
        assert refusal.text == COORDINATOR_ONLY
        page = RegionCallback(action=RegionAction.PAGE, region=region.region_id).pack()
        assert (await press_data(live, curator, page)).text == DENIED

        # the other region's coordinator: only their organisation, none of ours
        await stranger.send("/region")
        (theirs,) = await stranger.wait_messages(1)
        assert "Школа вне региона" in theirs.text and "Колледж № 2" not in theirs.text
        for data in (page,
                     RegionCallback(action=RegionAction.REPORT, region=region.region_id).pack(),
                     RegionCallback(action=RegionAction.NUDGE, region=other.id,
                                    org=region.organisations["Колледж № 2"]).pack()):
            assert (await press_data(live, stranger, data)).text == DENIED

        # our coordinator: a foreign organisation, a page that does not exist, a bad slot
        for data in (RegionCallback(action=RegionAction.NUDGE, region=region.region_id,
                                    org=region.outside_id).pack(),
                     RegionCallback(action=RegionAction.PAGE, region=region.region_id,
                                    page=7).pack(),
                     RegionCallback(action=RegionAction.DIGEST_SET, region=region.region_id,
                                    page=2, value=99).pack(),
                     "rgn:x:1:0:0:0"):
            answer = await press_data(live, coordinator, data)
            assert answer.text in (DENIED, STALE), data
        assert len(stranger.messages) == 2 and not any(
            m.document for m in stranger.messages)
        async with live.app.sessionmaker() as session:
            assert await session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.dedupe_key.like("region_nudge:%"))) == 0
            assert await session.scalar(select(func.count()).select_from(RegionCoordinator)) == 2


async def test_an_expired_or_used_up_link_says_why(settings, emulator):
    async with live_bot(owned(settings), emulator) as live:
        await seeded(live)
        async with live.app.sessionmaker() as session, session.begin():
            (region,) = await region_access.all_regions(session)
            expired = await region_access.create_link(session, region.id,
                                                      now=datetime.now(UTC) - timedelta(days=8))
            fresh = await region_access.create_link(session, region.id)
        person = emulator.user(793, first_name="Гость", language_code="ru")
        await person.send(f"/start {expired}")
        (reply,) = await person.wait_messages(1)
        assert reply.text.startswith("Срок действия приглашения истёк.")
        await person.send("/region")
        (refusal,) = await person.wait_messages(1)
        assert refusal.text == COORDINATOR_ONLY
        for telegram_id in (794, 795, 796):  # three uses
            await emulator.user(telegram_id, language_code="ru").send(f"/start {fresh}")
        await live.handled()
        fourth = emulator.user(797, language_code="ru")
        await fourth.send(f"/start {fresh}")
        (used_up,) = await fourth.wait_messages(1)
        assert used_up.text.startswith("По этой ссылке уже присоединилось")
        async with live.app.sessionmaker() as session:
            assert await session.scalar(select(func.count()).select_from(
                RegionCoordinator)) == 3


async def test_one_person_coordinates_two_regions_and_forget_ends_it(settings, emulator):
    async with live_bot(owned(settings), emulator) as live:
        region = await seeded(live)
        async with live.app.sessionmaker() as session, session.begin():
            other = await region_access.create_region(session, "Другой край", "Europe/Moscow")
            await region_access.add_organisations(session, other.id, [region.outside_id])
        coordinator = await invited(live, emulator)
        await invited(live, emulator, COORDINATOR, "Другой край")
        await coordinator.send("/region")
        (choose,) = await coordinator.wait_messages(1)
        assert choose.buttons == ["🏛 Другой край", "🏛 Кировская область"]
        await press(live, coordinator, "🏛 Другой край")
        (theirs,) = await coordinator.wait_messages(1)
        assert "Школа вне региона" in theirs.text and "Колледж № 2" not in theirs.text

        await coordinator.send("/mydata")
        (export,) = await coordinator.wait_messages(1)
        data = json.loads(export.document.content.decode("utf-8"))
        assert [r["region"] for r in data["coordinator_of"]] == ["Кировская область",
                                                                  "Другой край"]
        await coordinator.send("/forget")
        await coordinator.wait_messages(1)
        await press(live, coordinator, "Да, удалить мои данные")
        await live.handled()
        async with live.app.sessionmaker() as session:
            assert await session.scalar(select(func.count()).select_from(
                RegionCoordinator)) == 0
        coordinator.mark_read()
        await coordinator.send("/region")
        (refusal,) = await coordinator.wait_messages(1)
        assert refusal.text == COORDINATOR_ONLY
