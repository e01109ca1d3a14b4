"""The programme life cycle over the real polling loop with a controllable clock: the entry
self-assessment with its reminders, completion of a pair and of the programme by the curator,
the midterm control on the curator's date."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from bot.callbacks.curator import ProgrammeCallback
from bot.callbacks.lifecycle import LifecycleCardCallback, LifecycleSurveyCallback
from bot.callbacks.matching import PairCallback
from bot.emulator.survey_player import answer_survey
from bot.services.lifecycle import monitoring_surveys as lifecycle
from bot.services.people import users
from bot.services.programmes import programmes
from models import OutboxMessage, Pair, PairState, Programme, SurveyAnswer, SurveyResponse
from scheduler.lifecycle_jobs import lifecycle_job
from tests.e2e.helpers import press, pressed_data
from tests.e2e.world import CURATOR_ONLY, DENIED, T0, World
from tests.texts import t

CURATOR = 5900
ENTRY = t("lifecycle.button.entry")


async def curator_of(world: World):
    async with world.live.app.sessionmaker() as session:
        user = await users.get_or_create(session, CURATOR)
        await programmes.add_curator(session, world.organisation_id, user.id, "Куратор Ольга")
        await session.commit()
    sim = world.emulator.user(CURATOR, first_name="Ольга", language_code="ru")
    await sim.send("/start")
    await world.live.handled()
    sim.mark_read()
    return sim


async def keys_for(world: World, prefix: str) -> set[str]:
    async with world.live.app.sessionmaker() as session:
        rows = await session.scalars(select(OutboxMessage.dedupe_key).where(
            OutboxMessage.dedupe_key.like(prefix + "%")))
        return set(rows)


async def test_entry_survey_on_pairing_reminds_until_answered(world: World):
    mentor, mentor_pid = await world.person(5101, "mentor", "Смирнова Анна")
    mentee, mentee_pid = await world.person(5201, "mentee", "Иванов Миша")
    stranger, _ = await world.person(5301, "mentee", "Чужой Петя")
    (pair_id,) = await world.pair(mentor_pid, mentee_pid)
    async with world.live.app.sessionmaker() as session, session.begin():
        pair = await session.get(Pair, pair_id)
        assert await lifecycle.entry(session, [pair], world.clock.now()) == 2
        # A second call (a retried confirmation) sends nothing new.
        assert await lifecycle.entry(session, [pair], world.clock.now()) == 0
    await world.deliver()

    (prompt,) = await mentee.wait_messages(1)
    assert "входную самооценку" in prompt.text and ENTRY in prompt.buttons
    (prompt,) = await mentor.wait_messages(1)
    assert ENTRY in prompt.buttons
    mentor.mark_read()

    # Someone outside the pair cannot open its survey.
    answer = await pressed_data(world.live, stranger, LifecycleSurveyCallback(
        kind="entry", pair=pair_id).pack())
    assert answer == DENIED

    await press(world.live, mentee, ENTRY)
    assert await answer_survey(mentee, "entry_self_assessment_mentee", world.live) > 3
    async with world.live.app.sessionmaker() as session:
        response = await session.scalar(select(SurveyResponse).where(
            SurveyResponse.participation_id == mentee_pid))
        assert response.context == f"pair:{pair_id}:entry"
        assert response.survey_id == "entry_self_assessment_mentee"
        assert response.completed_at is not None

    # A day later only the mentor, who has not answered, is reminded.
    world.clock.advance(hours=25)
    await world.deliver()
    (reminder,) = await mentor.wait_messages(1)
    assert "Напоминание: входная самооценка" in reminder.text and ENTRY in reminder.buttons
    assert not [m for m in mentee.messages if "Напоминание" in (m.text or "")]

    # The answered survey's button again: no second response.
    mentee.mark_read()
    await press(world.live, mentee, ENTRY)
    (again,) = await mentee.wait_messages(1)
    assert "уже ответили" in again.text


async def test_curator_completes_a_pair_then_the_programme(world: World):
    curator = await curator_of(world)
    m1, m1_pid = await world.person(5102, "mentor", "Орлов Борис")
    e1, e1_pid = await world.person(5202, "mentee", "Петрова Катя")
    m2, m2_pid = await world.person(5103, "mentor", "Лебедева Вера")
    e2, e2_pid = await world.person(5203, "mentee", "Сидоров Коля")
    (p1,) = await world.pair(m1_pid, e1_pid)
    (p2,) = await world.pair(m2_pid, e2_pid)
    await world.programme(state="running")

    # A mentee cannot complete the pair.
    assert await pressed_data(world.live, e1, PairCallback(action="done", pair_id=p1).pack()
                              ) == DENIED
    e1.mark_read()
    await pressed_data(world.live, curator, PairCallback(action="doneok", pair_id=p1).pack())
    await world.deliver()
    for who in (m1, e1):
        texts = "\n".join(m.text for m in await who.wait_messages(3))
        assert "Оцените, пожалуйста" in texts and t("completion.survey.exit") in texts
        assert "рефлексию" in texts
    assert not [m for m in e2.messages if "Оцените" in (m.text or "")]

    await press(world.live, e1, t("lifecycle.button.fin"))
    await answer_survey(e1, "final_satisfaction_mentee", world.live)
    await e1.send("/help")  # the survey player reads the last two messages: not the old «done»
    await e1.wait_messages(1)
    await press(world.live, e1, t("lifecycle.button.exit"))
    await answer_survey(e1, "exit_self_assessment_mentee", world.live)
    async with world.live.app.sessionmaker() as session:
        contexts = set((await session.scalars(select(SurveyResponse.context).where(
            SurveyResponse.participation_id == e1_pid,
            SurveyResponse.completed_at.is_not(None)))).all())
    assert contexts == {f"programme:{world.programme_id}:final", f"pair:{p1}:exit"}
    # Answered surveys stop their reminders; the unanswered reflection keeps its own.
    left = await keys_for(world, f"survey:final_satisfaction_mentee:programme:"
                                 f"{world.programme_id}:final:{e1_pid}:r")
    async with world.live.app.sessionmaker() as session:
        states = set((await session.scalars(select(OutboxMessage.state).where(
            OutboxMessage.dedupe_key.in_(left)))).all())
    assert states == {"cancelled"}, states

    # The whole programme: the other open pair completes and gets the same surveys, once.
    m1.mark_read()
    seen = len(m1.messages)
    await pressed_data(world.live, curator, ProgrammeCallback(
        action="doneok", programme_id=world.programme_id).pack())
    await world.deliver()
    texts = "\n".join(m.text for m in await e2.wait_messages(3))
    assert "Оцените, пожалуйста" in texts and "рефлексию" in texts
    async with world.live.app.sessionmaker() as session:
        assert set((await session.scalars(select(Pair.state))).all()) == {PairState.COMPLETED}
    assert not [m for m in m1.messages[seen:] if "Оцените" in (m.text or "")]


async def test_midterm_survey_on_the_curators_date_once(world: World):
    mentor, mentor_pid = await world.person(5104, "mentor", "Кузнецов Олег")
    mentee, mentee_pid = await world.person(5204, "mentee", "Морозова Лиза")
    (pair_id,) = await world.pair(mentor_pid, mentee_pid)
    await world.programme(state="running", midterm_on=T0.date() + timedelta(days=2))

    assert await lifecycle_job(world.job_context()) == 0  # not yet
    world.clock.advance(days=2)
    assert await lifecycle_job(world.job_context()) == 2
    assert await lifecycle_job(world.job_context()) == 0  # the next hour: nothing twice
    await world.deliver()
    (prompt,) = await mentee.wait_messages(1)
    assert "Середина программы" in prompt.text
    await press(world.live, mentee, t("lifecycle.button.mid"))
    await answer_survey(mentee, "midterm_control", world.live)
    assert await keys_for(world, "survey:midterm_control:") == {
        f"survey:midterm_control:pair:{pair_id}:midterm:{pid}{tail}"
        for pid in (mentor_pid, mentee_pid) for tail in ("", ":r24", ":r72")}


def test_default_midterm_is_the_middle_of_the_period():
    from models import Programme

    programme = Programme(starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31))
    assert lifecycle.midterm_date(programme) == date(2027, 1, 15)


async def seed_answers(world: World, participation_id: int, survey_id: str, context: str,
                       answers: dict[str, object], completed_at: datetime | None = None
                       ) -> None:
    """A completed survey response (at the test clock's now unless given)."""
    async with world.live.app.sessionmaker() as session, session.begin():
        response = SurveyResponse(participation_id=participation_id, survey_id=survey_id,
                                  survey_version=1, context=context,
                                  completed_at=completed_at or world.clock.now())
        session.add(response)
        await session.flush()
        for question_id, value in answers.items():
            session.add(SurveyAnswer(response_id=response.id, question_id=question_id,
                                     value=value))


async def test_report_and_monitoring_show_the_stored_answers(world: World):
    curator = await curator_of(world)
    m1, m1_pid = await world.person(5105, "mentor", "Фёдоров Иван")
    e1, e1_pid = await world.person(5205, "mentee", "Жукова Даша")
    m2, m2_pid = await world.person(5106, "mentor", "Зайцева Нина")
    e2, e2_pid = await world.person(5206, "mentee", "Быков Артём")
    (p1,) = await world.pair(m1_pid, e1_pid)
    (p2,) = await world.pair(m2_pid, e2_pid)
    final = f"programme:{world.programme_id}:final"
    await seed_answers(world, e1_pid, "final_satisfaction_mentee", final,
                       {"usefulness": 9, "want_become_mentor": "yes"})
    await seed_answers(world, e2_pid, "final_satisfaction_mentee", final,
                       {"usefulness": 6, "want_become_mentor": "no"})
    await seed_answers(world, m1_pid, "final_satisfaction_mentor", final, {"usefulness": 10})
    await seed_answers(world, e1_pid, "entry_self_assessment_mentee", f"pair:{p1}:entry",
                       {"confidence": 4})
    await seed_answers(world, e1_pid, "exit_self_assessment_mentee", f"pair:{p1}:exit",
                       {"confidence": 7})
    # An unfinished response and a profile answer are not monitoring data.
    async with world.live.app.sessionmaker() as session, session.begin():
        session.add(SurveyResponse(participation_id=m2_pid, survey_id="final_satisfaction_mentor",
                                   survey_version=1, context=final))

    await curator.send("/report")
    report, monitoring_file = await curator.wait_messages(2, timeout=15)
    assert report.document.filename == f"report_{world.programme_id}.xlsx"
    assert monitoring_file.document.filename == f"monitoring_{world.programme_id}.xlsx"
    book = load_workbook(BytesIO(monitoring_file.document.content))
    stage1, completion, stage2 = (list(sheet.iter_rows(values_only=True))
                                  for sheet in book.worksheets[:3])
    usefulness = {(row[1], row[2]): (row[3], row[4]) for row in stage1
                  if row[0] == t("monitoring.q.usefulness")}
    assert usefulness[("Наставляемые", t("monitoring.all_forms"))] == (7.5, 2)
    assert usefulness[("Наставники", t("monitoring.all_forms"))] == (10, 1)
    assert usefulness[(t("monitoring.all_roles"), t("monitoring.all_forms"))] == (pytest.approx(25 / 3), 3)
    everyone = next(row for row in completion if row[0] == t("monitoring.all_roles")
                    and row[1] == t("monitoring.all_forms"))
    assert everyone[2:4] == (4, 3)  # four asked, three answered
    confidence = next(row for row in stage2 if row[1] == "Наставляемые"
                      and row[0] == book.worksheets[2].cell(2, 1).value)
    assert confidence[2:5] == (1, 4, 7)

    curator.mark_read()
    await curator.send("/monitoring")
    (chart,) = await curator.wait_messages(1)
    assert chart.photo is not None
    assert "Ответили на итоговый опрос: 3 из 4 (75%)" in chart.text
    assert "Хотят стать наставниками: 50%" in chart.text
    # Not a curator: no monitoring.
    e1.mark_read()
    await e1.send("/monitoring")
    (refused,) = await e1.wait_messages(1)
    assert refused.photo is None and refused.text == CURATOR_ONLY


async def test_curator_sets_the_midterm_date_from_the_card(world: World):
    curator = await curator_of(world)
    await world.programme(state="running")
    await pressed_data(world.live, curator, ProgrammeCallback(
        action="card", programme_id=world.programme_id).pack())
    (card,) = await curator.wait_messages(1)
    await press(world.live, curator, "📅 Промежуточный опрос: 15.01.2027")
    (ask,) = await curator.wait_messages(1)
    assert "Сейчас: 15.01.2027" in ask.text
    await curator.send("01.06.2030")
    (refused,) = await curator.wait_messages(1)
    assert "внутри периода программы" in refused.text
    await curator.send("01.12.2026")
    (done,) = await curator.wait_messages(1)
    assert "01.12.2026" in done.text
    await world.live.handled()
    async with world.live.app.sessionmaker() as session:
        programme = await session.get(Programme, world.programme_id)
        assert programme.midterm_on == date(2026, 12, 1)
        assert lifecycle.midterm_date(programme) == date(2026, 12, 1)


async def test_letters_to_picked_mentors_and_a_zip_for_the_curator(world: World):
    curator = await curator_of(world)
    m1, m1_pid = await world.person(5107, "mentor", "Орлов Борис Ильич")
    e1, e1_pid = await world.person(5207, "mentee", "Петрова Катя")
    m2, m2_pid = await world.person(5108, "mentor", "Лебедева Вера")
    e2, e2_pid = await world.person(5208, "mentee", "Сидоров Коля")
    (p1,) = await world.pair(m1_pid, e1_pid)
    await world.pair(m2_pid, e2_pid)
    async with world.live.app.sessionmaker() as session, session.begin():
        (await session.get(Pair, p1)).state = PairState.COMPLETED
    await world.programme(state="completed")
    for who in (m1, m2):
        who.mark_read()

    await pressed_data(world.live, curator, ProgrammeCallback(
        action="card", programme_id=world.programme_id).pack())
    await curator.wait_messages(1)
    # A mentor cannot open the letters of the programme.
    assert await pressed_data(world.live, m1, LifecycleCardCallback(
        action="let", programme_id=world.programme_id).pack()) == DENIED
    m1.mark_read()
    await press(world.live, curator, t("lifecycle.card.letters"))
    (picker,) = await curator.wait_messages(1)
    assert "✅ Орлов Борис Ильич" in picker.buttons and "▫️ Лебедева Вера" in picker.buttons
    assert "📨 Отправить 1 письмо" in picker.buttons
    await press(world.live, curator, "▫️ Лебедева Вера")
    await press(world.live, curator, "✅ Лебедева Вера")  # and back off
    assert "▫️ Лебедева Вера" in curator.last_message.buttons
    await press(world.live, curator, "📨 Отправить 1 письмо")
    (archive,) = await curator.wait_messages(1)
    assert archive.document.filename == f"letters_{world.programme_id}.zip"
    with zipfile.ZipFile(BytesIO(archive.document.content)) as zipped:
        assert zipped.namelist() == ["01_Орлов_Борис_Ильич.pdf"]

    await world.deliver()
    (letter,) = await m1.wait_messages(1)
    assert "Спасибо за участие" in letter.text and letter.document.filename.endswith(".pdf")
    text = " ".join(" ".join(page.extract_text().split())
                    for page in PdfReader(BytesIO(letter.document.content)).pages)
    assert "Орлов Борис Ильич" in text and "МБОУ СОШ № 1" in text
    assert not [m for m in m2.messages if m.document is not None]


async def test_next_cycle_invites_continuing_mentors_and_future_mentors(world: World):
    curator = await curator_of(world)
    m1, m1_pid = await world.person(5109, "mentor", "Волков Пётр")
    e1, e1_pid = await world.person(5209, "mentee", "Белова Юля")
    m2, m2_pid = await world.person(5110, "mentor", "Соколова Ира")
    e2, e2_pid = await world.person(5210, "mentee", "Новиков Денис")
    await world.pair(m1_pid, e1_pid)
    await world.pair(m2_pid, e2_pid)
    final = f"programme:{world.programme_id}:final"
    await seed_answers(world, m1_pid, "final_satisfaction_mentor", final, {"want_continue": "yes"})
    await seed_answers(world, m2_pid, "final_satisfaction_mentor", final, {"want_continue": "no"})
    await seed_answers(world, e1_pid, "final_satisfaction_mentee", final,
                       {"want_become_mentor": "yes"})
    await seed_answers(world, e2_pid, "final_satisfaction_mentee", final,
                       {"want_become_mentor": "no"})
    await world.programme(state="running")
    # Not before the programme is completed.
    assert "после завершения" in await pressed_data(world.live, curator, LifecycleCardCallback(
        action="new", programme_id=world.programme_id).pack())
    await world.programme(state="completed")
    for who in (m1, e1, m2, e2):
        who.mark_read()

    await pressed_data(world.live, curator, ProgrammeCallback(
        action="card", programme_id=world.programme_id).pack())
    await curator.wait_messages(1)
    await press(world.live, curator, t("lifecycle.card.next_cycle"))
    await curator.wait_messages(1)
    await curator.send("Наставничество 2027/28")
    await curator.wait_messages(1)
    await curator.send("01.09.2027")
    await curator.wait_messages(1)
    await curator.send("01.01.2027")  # before the start: asked again
    refused, again = await curator.wait_messages(2)
    assert "Дата начала" in again.text
    await curator.send("01.09.2027")
    await curator.wait_messages(1)
    await curator.send("31.05.2028")
    done, card = await curator.wait_messages(2)
    assert "Создана программа «Наставничество 2027/28»" in done.text
    assert "• Волков Пётр" in done.text and "• Белова Юля" in done.text
    assert "Соколова" not in done.text and "Новиков" not in done.text
    assert "Наставничество 2027/28" in card.text and "Состояние: подготовка" in card.text

    await world.deliver()
    (invite,) = await m1.wait_messages(1)
    assert "новый цикл «Наставничество 2027/28»" in invite.text
    (future,) = await e1.wait_messages(1)
    assert "хотите стать наставником" in future.text
    url = future.reply_markup["inline_keyboard"][0][0]["url"]
    assert "?start=" in url
    assert not m2.messages[m2._read:] and not e2.messages[e2._read:]

    # The mentee opens the link and joins the new cycle as a mentor.
    e1.mark_read()
    await e1.send(f"/start {url.split('?start=')[1]}")
    welcome, _ = await e1.wait_messages(2)
    assert "Наставничество 2027/28" in welcome.text and t("role.mentor") in welcome.text


async def test_a_pair_ended_early_gets_no_more_survey_reminders(world: World):
    curator = await curator_of(world)
    mentor, mentor_pid = await world.person(5111, "mentor", "Егоров Глеб")
    mentee, mentee_pid = await world.person(5211, "mentee", "Титова Аня")
    (pair_id,) = await world.pair(mentor_pid, mentee_pid)
    async with world.live.app.sessionmaker() as session, session.begin():
        await lifecycle.entry(session, [await session.get(Pair, pair_id)], world.clock.now())
    await world.deliver()
    await mentee.wait_messages(1)
    await pressed_data(world.live, curator, PairCallback(action="end", pair_id=pair_id).pack())
    await curator.wait_messages(1)
    await curator.send("Наставляемая перешла в другую школу")
    await curator.wait_messages(1)  # the question
    await press(world.live, curator, t("pair.end_yes"))
    await curator.wait_messages(1)  # the card
    await world.live.handled()
    async with world.live.app.sessionmaker() as session:
        states = dict((await session.execute(select(
            OutboxMessage.dedupe_key, OutboxMessage.state).where(
            OutboxMessage.dedupe_key.like("survey:%")))).all())
    assert {k: v for k, v in states.items() if k.endswith((":r24", ":r72"))} and all(
        v == "cancelled" for k, v in states.items() if k.endswith((":r24", ":r72")))
    # Its survey button is closed too.
    mentee.mark_read()
    assert "недоступен" in await pressed_data(world.live, mentee, LifecycleSurveyCallback(
        kind="entry", pair=pair_id).pack())
