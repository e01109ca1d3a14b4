"""The curator at completion over the real polling loop: the questionnaire about the
programme's conditions (sent, reminded, answered, in the monitoring workbook, erased by /forget)
and the base of good practices (the pairs' stories, the curator's marks, the report's sheet,
another organisation's curator refused)."""

from __future__ import annotations

import json
from datetime import timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.callbacks.curator import ProgrammeCallback
from bot.callbacks.lifecycle import LifecycleCardCallback, PracticeCallback
from bot.emulator.seed import seed_programme
from bot.emulator.survey_player import COMPLETED, answer_survey, current_question
from bot.services.people import users
from bot.services.programmes import programmes
from bot.services.surveys import ScaleQuestion
from models import OutboxMessage, PracticeMark, SurveyAnswer, SurveyResponse, User
from tests.e2e.helpers import dump_database, press, pressed_data
from tests.e2e.world import DENIED, World
from tests.lifecycle.test_lifecycle_e2e import CURATOR, curator_of, seed_answers
from tests.texts import t

# The same live bot with a controllable clock as the life cycle's own tests.

CONDITIONS_BUTTON = t("practices.button.conditions")
SCORES = {"organisational_support": 9, "regulations": 7, "materials": 6, "time_allocated": 4,
          "mentor_training": 8, "mentor_incentives": 3, "premises": 10, "partners": 5}
DIFFICULTY = "Наставникам не хватало часов в расписании"


async def answer_conditions(curator, live) -> None:
    """Press the score chosen for each scale question; type the open answers."""
    for _ in range(20):
        if any(mark in (m.text or "") for m in curator.messages[-2:] for mark in COMPLETED):
            return
        question = current_question(curator, "curator_conditions", "ru")
        if isinstance(question, ScaleQuestion):
            await curator.press(str(SCORES[question.id]))
        elif question.id == "main_difficulties":
            await curator.send(DIFFICULTY)
        else:
            await curator.press("Пропустить")
        await live.handled()
    raise AssertionError("the conditions questionnaire did not finish")


async def second_curator(world: World, telegram_id: int, organisation_id: int, name: str):
    async with world.live.app.sessionmaker() as session:
        user = await users.get_or_create(session, telegram_id)
        await programmes.add_curator(session, organisation_id, user.id, name)
        await session.commit()
    sim = world.emulator.user(telegram_id, first_name=name.split()[0], language_code="ru")
    await sim.send("/start")
    await world.live.handled()
    sim.mark_read()
    return sim


async def test_curator_answers_the_conditions_questionnaire_and_the_workbook_shows_it(
        world: World):
    curator = await curator_of(world)
    other = await second_curator(world, CURATOR + 1, world.organisation_id, "Куратор Павел")
    mentor, mentor_pid = await world.person(5120, "mentor", "Орлова Ирина")
    mentee, mentee_pid = await world.person(5220, "mentee", "Гусев Лёва")
    await world.pair(mentor_pid, mentee_pid)
    await world.programme(state="running")

    curator.mark_read()  # the card is edited in place; the prompt is the one new message
    await pressed_data(world.live, curator, ProgrammeCallback(
        action="doneok", programme_id=world.programme_id).pack())
    await world.deliver()
    (prompt,) = await curator.wait_messages(1)
    assert "заполните анкету куратора об условиях" in prompt.text
    assert CONDITIONS_BUTTON in prompt.buttons
    (prompt,) = await other.wait_messages(1)
    assert CONDITIONS_BUTTON in prompt.buttons
    # Participants are not asked about the conditions.
    assert not [m for m in mentee.messages if "об условиях" in (m.text or "")]

    await press(world.live, curator, CONDITIONS_BUTTON)
    assert "Условия реализации программы" in curator.last_message.text
    await answer_conditions(curator, world.live)
    async with world.live.app.sessionmaker() as session:
        curator_id = await session.scalar(select(User.id).where(User.telegram_id == CURATOR))
        response = await session.scalar(select(SurveyResponse).where(
            SurveyResponse.survey_id == "curator_conditions"))
        assert (response.participation_id, response.user_id, response.programme_id) == (
            None, curator_id, world.programme_id)
        assert response.completed_at is not None
        stored = dict((await session.execute(select(SurveyAnswer.question_id, SurveyAnswer.value)
                                             .where(SurveyAnswer.response_id == response.id))).all())
    assert {k: v for k, v in stored.items() if k in SCORES} == SCORES
    assert stored["main_difficulties"] == DIFFICULTY and stored["proposals"] is None

    # A day later only the curator who has not answered is reminded.
    curator.mark_read()
    world.clock.advance(hours=25)
    await world.deliver()
    (reminder,) = await other.wait_messages(1)
    assert "Напоминание: анкета об условиях" in reminder.text
    assert CONDITIONS_BUTTON in reminder.buttons
    assert not [m for m in curator.messages[curator._read:] if "Напоминание" in (m.text or "")]

    # Asked again from the monitoring screen: already answered, nothing changes.
    await curator.send("/monitoring")
    (screen,) = await curator.wait_messages(1)
    assert CONDITIONS_BUTTON in screen.buttons and t("practices.button.list") in screen.buttons
    await press(world.live, curator, CONDITIONS_BUTTON)
    (again,) = await curator.wait_messages(1)
    assert "уже ответили" in again.text

    await curator.send("/report")
    _, monitoring_file = await curator.wait_messages(2, timeout=15)
    book = load_workbook(BytesIO(monitoring_file.document.content))
    sheet = book["Условия программы (куратор)"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {r[1] for r in rows} == {"Куратор Ольга"}
    assert sorted(r[2] for r in rows if r[2] is not None) == sorted(SCORES.values())
    support = next(r for r in rows if r[0].startswith("Насколько достаточной"))
    assert support[2] == 9
    assert [r[3] for r in rows if r[3]] == [DIFFICULTY]

    # /mydata shows them; /forget of the curator erases them like any other personal data.
    curator.mark_read()
    await curator.send("/mydata")
    (export,) = await curator.wait_messages(1)
    (mine,) = json.loads(export.document.content.decode("utf-8"))["curator_questionnaires"]
    assert mine["programme"] == "Наставничество 2026" and mine["completed"]
    assert DIFFICULTY in {a["answer"] for a in mine["answers"]}
    await curator.send("/forget")
    await curator.wait_messages(1)
    await curator.press(t("forget.confirm"))
    await world.live.handled()
    dump = await dump_database(world.live)
    assert DIFFICULTY not in dump
    async with world.live.app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(SurveyResponse).where(
            SurveyResponse.survey_id == "curator_conditions")) == 0


LONG = "Мы вместе подготовили проект по робототехнике для младших классов. " * 6
HOSTILE = "Катя <b>выиграла</b> олимпиаду & стала увереннее"


async def test_curator_marks_pairs_stories_for_the_base_of_practices(world: World):
    curator = await curator_of(world)
    people = {}
    for number, (mentor_name, mentee_name) in enumerate(
            [("Орлов Борис", "Петрова Катя"), ("Лебедева Вера", "Сидоров Коля"),
             ("Кузнецов Олег", "Морозова Лиза"), ("Зайцева Нина", "Быков Артём")]):
        people[number] = (await world.person(5130 + number, "mentor", mentor_name),
                          await world.person(5230 + number, "mentee", mentee_name))
    pair_ids = [(await world.pair(m[1], e[1]))[0] for m, e in people.values()]
    await world.programme(state="running")
    await pressed_data(world.live, curator, ProgrammeCallback(
        action="doneok", programme_id=world.programme_id).pack())
    await world.deliver()

    # Petrova writes her reflection in the chat; the other stories are seeded.
    katya = people[0][1][0]
    katya.mark_read()
    await press(world.live, katya, t("lifecycle.button.refl"))
    await answer_survey(katya, "reflection", world.live,
                        texts={"what_changed": "Стала увереннее", "main_achievement": HOSTILE})

    # Her story is the oldest: the bot stamps it with the real time (its survey times are not on
    # the test's clock), the seeded ones come after it.
    async with world.live.app.sessionmaker() as session:
        written = await session.scalar(select(SurveyResponse.completed_at).where(
            SurveyResponse.participation_id == people[0][1][1],
            SurveyResponse.survey_id == "reflection"))
    later = max(world.clock.now(), written) + timedelta(minutes=1)

    def story(text: str, share: str = "yes_named") -> dict[str, object]:
        return {"what_changed": "Многое", "main_achievement": text, "share_as_practice": share}

    def context(index: int) -> str:
        return f"pair:{pair_ids[index]}:reflection"

    (_, m0_pid), _ = people[0]
    (_, m1_pid), (_, e1_pid) = people[1]
    (_, m2_pid), (_, e2_pid) = people[2]
    (_, m3_pid), _ = people[3]
    await seed_answers(world, m0_pid, "reflection", context(0), story(LONG), later)
    await seed_answers(world, m1_pid, "reflection", context(1), story("Анонимный рассказ",
                                                                       "yes_anonymous"), later)
    await seed_answers(world, e1_pid, "reflection", context(1), story("Не делиться", "no"), later)
    await seed_answers(world, m2_pid, "reflection", context(2), story("Рассказ три"), later)
    await seed_answers(world, e2_pid, "reflection", context(2), story("Рассказ четыре"), later)
    await seed_answers(world, m3_pid, "reflection", context(3), story("Рассказ пять"), later)

    curator.mark_read()
    await curator.send("/practices")
    (listing,) = await curator.wait_messages(1)
    assert "Страница 1 из 2" in listing.text  # six shareable stories, five a page
    assert HOSTILE in listing.text  # escaped: shown as typed, not as markup
    assert "Орлов Борис и Петрова Катя, учитель – учитель" in listing.text
    assert "Не делиться" not in listing.text  # the author did not allow sharing
    assert LONG.strip() not in listing.text and "…" in listing.text  # trimmed in the list
    assert "(просит не указывать имена)" in listing.text
    first = next(b for b in listing.buttons if b.startswith("★ В базу практик"))
    assert first == "★ В базу практик · 1"
    await press(world.live, curator, "★ В базу практик · 1")  # Katya's story (the oldest)
    assert "Убрать из базы · 1" in curator.last_message.buttons
    assert "В базе практик: 1" in curator.last_message.text
    await press(world.live, curator, "★ В базу практик · 3")  # the anonymous one
    await press(world.live, curator, "›")
    assert "Страница 2 из 2" in curator.last_message.text
    assert "★ В базу практик · 6" in curator.last_message.buttons

    async with world.live.app.sessionmaker() as session:
        marks = list((await session.scalars(select(PracticeMark))).all())
        katya_response = await session.scalar(select(SurveyResponse.id).where(
            SurveyResponse.participation_id == people[0][1][1],
            SurveyResponse.survey_id == "reflection"))
        m1_response = await session.scalar(select(SurveyResponse.id).where(
            SurveyResponse.participation_id == m1_pid, SurveyResponse.survey_id == "reflection"))
        e1_response = await session.scalar(select(SurveyResponse.id).where(
            SurveyResponse.participation_id == e1_pid, SurveyResponse.survey_id == "reflection"))
    assert {m.response_id for m in marks} == {katya_response, m1_response}

    # A story the author did not share cannot be marked, even by a forged button.
    assert await pressed_data(world.live, curator, PracticeCallback(
        action="t", programme_id=world.programme_id, response=e1_response).pack()) == DENIED

    # Another organisation's curator sees none of it and cannot mark it.
    other_org = await seed_programme(world.live.app, organisation="Школа Бета",
                                     title="Программа Бета")
    stranger = await second_curator(world, 5990, other_org.organisation_id, "Чужой Куратор")
    await stranger.send("/practices")
    (own,) = await stranger.wait_messages(1)
    assert "пока нет историй" in own.text and "Катя" not in own.text
    for forged in (PracticeCallback(action="t", programme_id=world.programme_id,
                                    response=katya_response),
                   PracticeCallback(action="t", programme_id=other_org.programme_id,
                                    response=katya_response),
                   PracticeCallback(action="l", programme_id=world.programme_id),
                   LifecycleCardCallback(action="cond", programme_id=world.programme_id)):
        assert await pressed_data(world.live, stranger, forged.pack()) == DENIED
    assert not [m for m in stranger.messages if "Катя" in (m.text or "")]
    async with world.live.app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(PracticeMark)) == 2

    # The report's sheet lists the marked stories; the anonymous one names nobody.
    curator.mark_read()
    await curator.send("/report")
    report, _ = await curator.wait_messages(2, timeout=15)
    sheet = load_workbook(BytesIO(report.document.content))["Лучшие практики"]
    assert [c.value for c in sheet[1]] == [t("practices.xlsx.programme"), "Форма наставничества", "Наставник",
                                           "Наставляемый", "Автор рассказа",
                                           "Главное достижение пары", "Дата"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[2:6] for r in rows] == [
        ("Орлов Борис", "Петрова Катя", "Рассказ наставляемого", HOSTILE),
        ("без имени", "без имени", "Рассказ наставника", "Анонимный рассказ")]
    assert all(r[0] == "Наставничество 2026" and r[1] == t("form.teacher_teacher")
               and r[6] is not None for r in rows)

    # Unmarking takes a story out of the base.
    await curator.send("/practices")
    await curator.wait_messages(1)
    await press(world.live, curator, "Убрать из базы · 3")
    async with world.live.app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(PracticeMark)) == 1

    # The author erases her data: her story and its mark go.
    katya.mark_read()
    await katya.send("/forget")
    await katya.wait_messages(1)
    await katya.press(t("forget.confirm"))
    await world.live.handled()
    dump = await dump_database(world.live)
    assert "олимпиаду" not in dump
    async with world.live.app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(PracticeMark)) == 0
        assert await session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.chat_id == 5230)) == 0
