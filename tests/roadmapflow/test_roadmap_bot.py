"""The roadmap through the real polling loop: import of the seed documents with a preview,
fixing a deadline, re-import, reminders on the right days with a controlled clock, done,
roles, and refusals."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from bot.callbacks.roadmap import RoadmapItemCallback, RoadmapProgrammeCallback
from bot.clock import ManualClock
from bot.services.people import users
from bot.services.programmes import programmes
from bot.services.roadmap import items as roadmap_items
from handlers.shared.consent import create_programme
from models import OutboxMessage, Participation, ParticipationState, RoadmapItem, RoadmapStatus
from models.base import utcnow
from scheduler.jobs import JobContext
from scheduler.roadmap_job import roadmap_reminders
from tests.e2e.helpers import press, press_data
from tests.roadmap.conftest import ROADMAPS, roadmap_path
from tests.texts import t

CURATOR = 701
DENIED = t("access.denied")


def seed_bytes(key: str) -> tuple[str, bytes, tuple[date, date]]:
    """A roadmap of tests/roadmap (the project's own, or a seed: skipped when absent)."""
    path = roadmap_path(key)
    return path.name, path.read_bytes(), ROADMAPS[key].period


async def setup(live, period: tuple[date, date], curator_name: str = "Светличная Мария Ивановна",
                telegram_id: int = CURATOR) -> tuple[int, int]:
    async with live.app.sessionmaker() as session:
        organisation = await programmes.create_organisation(session, "МБОУ МУК № 4", "school",
                                                            "Europe/Moscow")
        user = await users.get_or_create(session, telegram_id)
        await programmes.add_curator(session, organisation.id, user.id, curator_name)
        programme = await create_programme(
            session, live.app.translator, organisation_id=organisation.id, title="ЦМН",
            starts_on=period[0], ends_on=period[1], forms=["teacher_teacher"])
        await session.commit()
        return organisation.id, programme.id


async def add_person(live, programme_id: int, telegram_id: int, name: str,
                     role: str = "mentor") -> int:
    async with live.app.sessionmaker() as session:
        user = await users.get_or_create(session, telegram_id)
        participation = Participation(programme_id=programme_id, user_id=user.id, role=role,
                                      state=ParticipationState.READY, age_group="18_plus",
                                      form="teacher_teacher", full_name=name, consent_at=utcnow())
        session.add(participation)
        await session.commit()
        return participation.id


async def upload(live, curator, name: str, content: bytes):
    await curator.send("/roadmap")
    await live.handled()
    await press(live, curator, t("roadmap.btn.upload"))
    curator.mark_read()
    await curator.send_document(filename=name, content=content)
    (preview,) = await curator.wait_messages(1)
    return preview


async def until(condition, wait: float = 5.0) -> None:
    deadline = time.monotonic() + wait
    while not condition():
        assert time.monotonic() < deadline, "the expected message never arrived"
        await asyncio.sleep(0.05)


async def items_of(live, programme_id: int) -> list[RoadmapItem]:
    async with live.app.sessionmaker() as session:
        return list((await session.scalars(select(RoadmapItem).where(
            RoadmapItem.programme_id == programme_id).order_by(RoadmapItem.position))).all())


@pytest.mark.parametrize("key, count, undated", [
    ("college", 11, 1), ("school", 11, 0), ("village", 14, 2),
    ("000", 22, 1), ("001", 16, 0), ("002", 32, 5)])
async def test_seed_roadmaps_import_through_the_bot(live, emulator, key, count, undated):
    name, content, period = seed_bytes(key)
    _, programme_id = await setup(live, period)
    curator = emulator.user(CURATOR, first_name="Мария", language_code="ru")
    preview = (await upload(live, curator, name, content)).text
    assert f"Пунктов: {count}" in preview
    assert f"без срока: {undated}" in preview
    assert t("roadmap.btn.save") in curator.last_message.buttons
    assert await items_of(live, programme_id) == []  # nothing saved before confirming
    await press(live, curator, t("roadmap.btn.save"))
    assert curator.last_message.text == t("roadmap.saved", new=count, updated=0, removed=0)
    stored = await items_of(live, programme_id)
    assert len(stored) == count
    by_number = {i.number: i for i in stored}
    if key == "000":
        assert by_number["1.1"].ends_on == date(2021, 2, 15) and by_number["1.1"].kind == "by"
        assert by_number["3.2"].recurrence == "quarterly"
        assert "4.6 Завершение наставничества" in preview
    if key == "001":
        assert (by_number["6.1"].starts_on, by_number["6.1"].ends_on) == (
            date(2022, 10, 1), date(2023, 5, 31))
    if key == "002":
        assert by_number["1.8"].ends_on == date(2020, 10, 19)
        assert "по отдельному графику" in preview
    if key == "village":
        assert by_number["1.6"].ends_on == date(2023, 10, 18)
        assert "по отдельному графику" in preview


async def test_reimport_updates_items_without_duplicates(live, emulator):
    name, content, period = seed_bytes("001")
    _, programme_id = await setup(live, period)
    curator = emulator.user(CURATOR, first_name="Мария", language_code="ru")
    await upload(live, curator, name, content)
    await press(live, curator, t("roadmap.btn.save"))
    first = {i.number: i.id for i in await items_of(live, programme_id)}

    text = content.decode("utf-8")
    changed = text.replace("Отбор наставников", "Отбор и утверждение наставников")
    lines = [line for line in changed.splitlines() if not line.startswith("7.2")]
    preview = await upload(live, curator, name, "\n".join(lines).encode("utf-8"))
    assert "будет снято: 1" in preview.text
    await press(live, curator, t("roadmap.btn.save"))
    stored = await items_of(live, programme_id)
    active = [i for i in stored if i.status != RoadmapStatus.REMOVED]
    assert len(stored) == 16 and len(active) == 15
    assert {i.number: i.id for i in active} == {k: v for k, v in first.items() if k != "7.2"}
    assert next(i for i in active if i.number == "4.1").title.startswith("Отбор и утверждение")


async def run_job(live, clock: ManualClock) -> int:
    scheduler = live.app.dispatcher["scheduler"]
    ctx = JobContext(live.app.settings, live.app.sessionmaker, live.app.translator, clock,
                     live.bot, scheduler.wake)
    return await roadmap_reminders(ctx)


async def reminder_rows(live) -> list[OutboxMessage]:
    async with live.app.sessionmaker() as session:
        return list((await session.scalars(select(OutboxMessage).where(
            OutboxMessage.dedupe_key.like("roadmap:%")).order_by(OutboxMessage.id))).all())


def at(day: date, hour: int = 9, minute: int = 30) -> datetime:
    # Moscow is UTC+3: 09:30 local.
    return datetime(day.year, day.month, day.day, hour - 3, minute, tzinfo=UTC)


async def test_fix_deadline_reminders_on_the_right_days_done_and_recurring(live, emulator):
    name, content, period = seed_bytes("000")
    # Every item of seed 000 names «М.Г. Георгиевская»: the curator here.
    _, programme_id = await setup(live, period, curator_name="Георгиевская Мария Григорьевна")
    curator = emulator.user(CURATOR, first_name="Мария", language_code="ru")

    preview = await upload(live, curator, name, content)
    assert "М.Г. Георгиевская → Георгиевская Мария Григорьевна ✅" in preview.text
    # Fix the undated item 4.6.
    await press(live, curator, t("roadmap.btn.items"))
    for _ in range(2):
        await press(live, curator, "▶️")
    curator.mark_read()
    await press(live, curator, "✏️ 4.6")
    (ask,) = await curator.wait_messages(1)
    assert "в соответствии" in ask.text
    await curator.send("вчера")
    (error,) = await curator.wait_messages(1)
    assert "Не понял срок" in error.text
    await curator.send("до 20.10.2021")
    fixed, preview = await curator.wait_messages(2)
    assert "20.10.2021" in fixed.text and "без срока: 0" in preview.text
    await press(live, curator, t("roadmap.btn.save"))
    stored = {i.number: i for i in await items_of(live, programme_id)}
    assert stored["4.6"].ends_on == date(2021, 10, 20)

    # Item 1.1 «до 15.02.2021», responsible «Светличная М.И.» (the curator).
    clock = ManualClock(at(date(2021, 2, 8)))
    curator.mark_read()
    assert await run_job(live, clock) >= 1
    assert await run_job(live, clock) == 0  # idempotent
    (seven,) = await curator.wait_messages(1)
    assert "Через 7 дней" in seven.text and "Разработка дорожной карты" in seven.text
    assert t("roadmap.btn.done") in seven.buttons
    clock.set(at(date(2021, 2, 14)))
    curator.mark_read()
    await run_job(live, clock)
    (one,) = await curator.wait_messages(1)
    assert "Через 1 день" in one.text and "15.02.2021" in one.text

    # Done: no same-day reminder.
    curator.mark_read()
    await press(live, curator, t("roadmap.btn.done"))
    assert "комментарий или пришлите файл" in curator.last_message.text
    curator.mark_read()
    await curator.send("Карта утверждена приказом")
    (done,) = await curator.wait_messages(1)
    assert "выполнено" in done.text
    await live.handled()  # the update's transaction commits after the answer
    clock.set(at(date(2021, 2, 15)))
    await run_job(live, clock)
    await live.outbox_sent()
    keys = [r.dedupe_key for r in await reminder_rows(live)]
    item_11 = stored["1.1"].id
    assert not any(k.startswith(f"roadmap:{item_11}:2021-02-15:0:") for k in keys)
    assert len([k for k in keys if k.startswith(f"roadmap:{item_11}:")]) == 2
    curator.mark_read()
    await curator.send("/roadmap")
    await live.handled()
    await press(live, curator, "✅ Выполненные (1)")
    assert "Разработка дорожной карты" in curator.last_message.text
    assert "Карта утверждена приказом" in curator.last_message.text

    # The quarterly item 5.1 reminds on each occurrence (31.03, 30.06, …).
    curator.mark_read()
    clock.set(at(date(2021, 3, 31)))
    await run_job(live, clock)
    clock.set(at(date(2021, 6, 30)))
    await run_job(live, clock)
    rows = await reminder_rows(live)
    item_51 = stored["5.1"].id
    recurring = {r.dedupe_key.split(":")[2] for r in rows
                 if r.dedupe_key.startswith(f"roadmap:{item_51}:") and ":0:" in r.dedupe_key}
    assert recurring == {"2021-03-31", "2021-06-30"}
    await until(lambda: any("5.1" in m.text and "30.06.2021" in m.text and "Сегодня" in m.text
                            for m in curator.messages))


async def test_a_role_reaches_every_mentor(live, emulator):
    _, programme_id = await setup(live, (date(2022, 9, 1), date(2023, 5, 31)))
    mentors = [emulator.user(720 + i, first_name=f"М{i}", language_code="ru") for i in range(3)]
    for i in range(3):
        await add_person(live, programme_id, 720 + i, f"Наставник{i} Иван")
    await add_person(live, programme_id, 730, "Ученик Пётр", role="mentee")
    for mentor in mentors:  # the bot can write only to people who started it
        await mentor.send("/start")
    await live.handled()
    for mentor in mentors:
        mentor.mark_read()
    curator = emulator.user(CURATOR, first_name="Мария", language_code="ru")
    table = ("№\tМероприятие\tСроки\tОтветственные\n"
             "1\tОбучение наставников\tдо 15.10.2022\tНаставники\n"
             "2\tСовещание кураторов\tдо 20.10.2022\tКураторы\n")
    await curator.send("/roadmap")
    await live.handled()
    await press(live, curator, t("roadmap.btn.upload"))
    curator.mark_read()
    await curator.send(table)
    (preview,) = await curator.wait_messages(1)
    assert t("roadmap.people.role_mentor", raw="Наставники") in preview.text
    await press(live, curator, t("roadmap.btn.save"))
    await run_job(live, ManualClock(at(date(2022, 10, 15))))
    for mentor in mentors:
        (message,) = await mentor.wait_messages(1)
        assert "Сегодня срок" in message.text and "Обучение наставников" in message.text
    async with live.app.sessionmaker() as session:
        to_mentee = await session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.chat_id == 730))
    assert to_mentee == 0


async def test_extension_request_approved_moves_the_deadline(live, emulator):
    _, programme_id = await setup(live, (date(2022, 9, 1), date(2023, 5, 31)))
    mentor = emulator.user(740, first_name="Олег", language_code="ru")
    await add_person(live, programme_id, 740, "Петров Олег Иванович")
    await mentor.send("/start")
    await live.handled()
    mentor.mark_read()
    curator = emulator.user(CURATOR, first_name="Мария", language_code="ru")
    await curator.send("/roadmap")
    await live.handled()
    await press(live, curator, t("roadmap.btn.upload"))
    await curator.send("№\tМероприятие\tСроки\tОтветственные\n1\tОтчёт\tдо 15.10.2022\tПетров О.И.\n")
    await live.handled()
    await press(live, curator, t("roadmap.btn.save"))
    await run_job(live, ManualClock(at(date(2022, 10, 8))))
    await mentor.wait_messages(1)
    await press(live, mentor, t("roadmap.btn.extend"))
    await mentor.send("Болел")
    await live.handled()
    # Read before the date is sent: the request may reach the curator while the bot settles.
    curator.mark_read()
    await mentor.send("25.10.2022")
    await live.handled()
    assert "25.10.2022" in mentor.last_message.text
    (request,) = await curator.wait_messages(1)
    assert "Болел" in request.text and t("roadmap.btn.approve") in request.buttons
    await press(live, curator, t("roadmap.btn.approve"))
    await live.handled()
    (item,) = await items_of(live, programme_id)
    assert item.ends_on == date(2022, 10, 25)
    await live.outbox_sent()  # the mentor is told of the approval
    mentor.mark_read()
    await run_job(live, ManualClock(at(date(2022, 10, 24))))
    await live.outbox_sent()
    (reminder,) = await mentor.wait_messages(1)
    assert "Через 1 день" in reminder.text and "25.10.2022" in reminder.text
    assert mentor.last_message is reminder


async def test_mentor_cannot_import_and_forged_items_are_refused(live, emulator):
    _, programme_id = await setup(live, (date(2022, 9, 1), date(2023, 5, 31)))
    _, other_programme = await setup(live, (date(2022, 9, 1), date(2023, 5, 31)),
                                     curator_name="Другой Куратор", telegram_id=799)
    mentor = emulator.user(750, first_name="Олег", language_code="ru")
    await add_person(live, programme_id, 750, "Петров Олег")
    await mentor.send("/roadmap")
    (reply,) = await mentor.wait_messages(1)
    assert reply.text == t("roadmap.mine.empty")
    await press_data(live, mentor, RoadmapProgrammeCallback(
        action="upload", programme_id=programme_id).pack())
    assert mentor.callback_answers[-1].text == DENIED

    async with live.app.sessionmaker() as session:
        foreign = RoadmapItem(programme_id=other_programme, match_key="n:1", title="Чужой",
                              kind="by", ends_on=date(2022, 10, 1))
        session.add(foreign)
        await session.commit()
    curator = emulator.user(CURATOR, first_name="Мария", language_code="ru")
    await curator.send("/roadmap")
    await curator.wait_messages(1)
    for who in (mentor, curator):
        await press_data(live, who, RoadmapItemCallback(action="done", item_id=foreign.id).pack())
        assert who.callback_answers[-1].text == DENIED
    async with live.app.sessionmaker() as session:
        assert (await session.get(RoadmapItem, foreign.id)).status == RoadmapStatus.UPCOMING


async def test_digest_queries(app):
    async with app.sessionmaker() as session:
        organisation = await programmes.create_organisation(session, "Школа", "school",
                                                            "Europe/Moscow")
        programme = await create_programme(
            session, app.translator, organisation_id=organisation.id, title="П",
            starts_on=date(2021, 1, 1), ends_on=date(2021, 12, 31), forms=["teacher_teacher"])
        for key, kind, rec, start, end in (
                ("a", "by", None, date(2021, 3, 1), date(2021, 3, 1)),
                ("b", "by", None, date(2021, 3, 20), date(2021, 3, 20)),
                ("c", "recurring", "quarterly", date(2021, 1, 1), date(2021, 12, 31)),
                ("d", "schedule", None, None, None)):
            session.add(RoadmapItem(programme_id=programme.id, match_key=key, title=key,
                                    kind=kind, recurrence=rec, starts_on=start, ends_on=end))
        await session.flush()
        overdue = await roadmap_items.overdue_items(session, programme.id, date(2021, 3, 10))
        upcoming = await roadmap_items.upcoming_items(session, programme.id, date(2021, 3, 10),
                                                     days=21)
        soon = await roadmap_items.upcoming_items(session, programme.id, date(2021, 3, 10))
    assert [i.title for i in overdue] == ["a"]
    assert [(i.title, i.next_date) for i in upcoming] == [("b", date(2021, 3, 20)),
                                                          ("c", date(2021, 3, 31))]
    assert [i.title for i in soon] == ["b"]
