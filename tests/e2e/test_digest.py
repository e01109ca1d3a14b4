"""The curator's digest, /status, /report and /announce over the real polling loop and the
outbox sender: the digest reaches the bound group once at its local time (also across a restart),
the report is a workbook with the same figures, an announcement reaches every reachable person
once and the curator gets the summary, and participants cannot run any of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.emulator.live import live_bot
from models import Announcement, OutboxMessage, Pair, PlanGoal, Programme
from scheduler import curator_jobs
from scheduler.jobs import JobContext
from tests.digest.seed import seed, seed_meetings
from tests.e2e.helpers import answered, eventually, press
from tests.texts import t

MONDAY_0900_MSK = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)
CURATOR = 700
GROUP = -100700
BASE = 7000  # participants' Telegram ids are BASE+1 .. BASE+8 (see tests/digest/seed.py)
DENIED = t("access.denied")
CURATOR_ONLY = t("access.curator_only")


def job_context(live, moment: datetime) -> JobContext:
    return JobContext(live.app.settings, live.app.sessionmaker, live.app.translator,
                      ManualClock(moment), live.bot, live.app.dispatcher["scheduler"].wake)


async def seeded(live, chat_id: int | None = None):
    async with live.app.sessionmaker() as session, session.begin():
        return await seed(session, live.app.translator, curator_telegram_id=CURATOR,
                          chat_id=chat_id, people_base=BASE)


async def seeded_with_meetings(live, chat_id: int | None = None):
    async with live.app.sessionmaker() as session, session.begin():
        result = await seed(session, live.app.translator, curator_telegram_id=CURATOR,
                            chat_id=chat_id, people_base=BASE)
        await seed_meetings(session, result)
        return result


async def test_digest_reaches_the_bound_group_once_even_across_a_restart(settings, emulator):
    group = emulator.group(GROUP, "Кураторы")
    group.chat.known = True
    curator = emulator.user(CURATOR, first_name="Куратор", language_code="ru")
    mentor = emulator.user(BASE + 1, first_name="Анна", language_code="ru")  # Иванова Анна
    mentor.chat.known = True
    # The bot's own minute job runs on the test's clock: on the real one it would find this
    # real week's digest due and send it in the middle of the test.
    def on_clock(moment):
        return lambda app: setattr(app.dispatcher["scheduler"], "clock", ManualClock(moment))

    async with live_bot(settings, emulator, on_clock(MONDAY_0900_MSK + timedelta(minutes=5))
                        ) as live:
        await seeded_with_meetings(live, GROUP)
        assert await curator_jobs.digest_job(job_context(live, MONDAY_0900_MSK
                                                         - timedelta(minutes=5))) == 0
        await curator_jobs.digest_job(job_context(live, MONDAY_0900_MSK))
        await curator_jobs.digest_job(job_context(live, MONDAY_0900_MSK + timedelta(minutes=5)))
        message, chart = await group.wait_messages(2, timeout=15)
        text = message.text
        assert "Дайджест «Наставничество 2026»" in text
        assert "Наставники: 3" in text and "Наставляемые: 4" in text
        assert "Бот не может написать (1): Кузнецова Вера" in text
        assert "Встречи: на этой неделе 1, на прошлой 1" in text
        assert "Полезность встреч: 10.0 ↑ (прошлая неделя 8.5)" in text
        assert "Не заполнено анкет обратной связи: 1" in text
        assert "Без встречи и переписки дольше 14 дн. (1): Иванова Анна — Орлов Глеб" in text
        assert "Просрочено в дорожной карте (1): 1.1 Приказ о наставничестве (до 02.11)" in text
        assert "Сроки в ближайшие 2 недели (1): 2.3 Промежуточный опрос (до 25.11)" in text
        assert message.buttons == ["🔔 Напомнить: Иванова Анна"]
        assert chart.photo is not None

        # the mentor (no curator) tries the nudge button: refused, nothing queued
        before = len(mentor.callback_answers)
        await group.press_data(mentor, message.raw["reply_markup"]["inline_keyboard"][0][0][
            "callback_data"], message.message_id)
        await answered(live, mentor, before)
        assert mentor.callback_answers[-1].text == DENIED
        # the curator presses it twice: the mentor gets one nudge
        for _ in range(2):
            before = len(curator.callback_answers)
            await group.press_data(curator, message.raw["reply_markup"]["inline_keyboard"][0][0][
                "callback_data"], message.message_id)
            await answered(live, curator, before)
        assert [a.text for a in curator.callback_answers[-2:]] == [
            "Напоминание отправлено: Иванова Анна", "Сегодня уже напоминали: Иванова Анна"]
        (nudge,) = await mentor.wait_messages(1, timeout=15)
        assert "давно не было встречи с Орлов Глеб" in nudge.text
        assert nudge.buttons  # plan a meeting right away
        await live.outbox_sent()  # a second nudge would have gone out by now
        assert len(mentor.messages) == 1
    async with live_bot(settings, emulator, on_clock(MONDAY_0900_MSK + timedelta(days=1))
                        ) as live:  # the bot restarted later that week
        assert await curator_jobs.digest_job(job_context(live, MONDAY_0900_MSK
                                                         + timedelta(days=1))) == 0
        await live.outbox_sent()  # a second digest would have gone out by now
    assert len(group.messages) == 2


async def test_status_report_and_the_digest_setting(live, emulator):
    curator = emulator.user(CURATOR, first_name="Куратор", language_code="ru")
    # The bot's "now", set before the programme exists: a minute before the digest's moment, so
    # the bot's own minute job (on this clock, not the real one) has no digest to send meanwhile.
    live.app.dispatcher["scheduler"].clock = ManualClock(MONDAY_0900_MSK - timedelta(minutes=1))
    seeded_programme = await seeded_with_meetings(live)
    await curator.send("/status")
    (status,) = await curator.wait_messages(1)
    assert "Наставники: 3 (готовы к подбору 1, в парах 2)" in status.text
    assert "Пары: 2 (в парах 57% участников)" in status.text
    assert "Кузнецова Вера" in status.text
    # the same figures as the digest (one query layer)
    assert "Встречи: на этой неделе 1, на прошлой 1" in status.text
    assert "Полезность встреч: 10.0 ↑ (прошлая неделя 8.5)" in status.text
    assert status.buttons == ["🔔 Напомнить: Иванова Анна"]

    await curator.send("/report")
    (report,) = await curator.wait_messages(1)
    assert report.document.filename.endswith(".xlsx")
    book = load_workbook(BytesIO(report.document.content))
    assert book.sheetnames == [t("report.sheet.participants"), t("report.sheet.pairs"), "Встречи", "Обратная связь", t("report.sheet.summary"), "ФСН",
                               "Лучшие практики"]
    people = book["Участники"]
    assert people.max_row == 9 and people.freeze_panes == "A2"
    pairs = book["Пары"]
    assert [c.value for c in pairs[1]][:3] == ["№", "Наставник", "Наставляемый"]
    assert pairs["B2"].value == "Иванова Анна" and pairs["C2"].value == "Орлов Глеб"
    assert pairs["F2"].value == t("report.stage.intro") and pairs["F3"].value == t("report.stage.regular")
    assert isinstance(pairs["G2"].value, datetime) and pairs["G2"].number_format == "DD.MM.YYYY"
    assert pairs.auto_filter.ref == "A1:H3" and pairs.freeze_panes == "A2"
    summary = {row[0].value: row[1].value for row in book["Сводка"].iter_rows(min_row=2)}
    assert summary[t("report.summary.mentors")] == 3
    assert summary[t("report.summary.mentees")] == 4
    assert abs(summary[t("report.summary.paired_share")] - 4 / 7) < 1e-9
    assert summary["Пар на этапе: Встреча-знакомство"] == 1
    assert summary[t("report.summary.meetings_week")] == 1 and summary[t("report.summary.meetings_last_week")] == 1
    assert summary["Доля пар со встречей за 14 дн."] == 0.5
    assert summary[t("report.summary.feedback_completion")] == 0.5  # 3 of 6
    assert summary[t("report.summary.feedback")] == 10
    assert summary[t("report.summary.feedback_prev")] == 8.5
    assert summary["Средняя полезность: учитель – учитель"] == 9
    assert summary[t("report.summary.overdue")] == 1
    meetings = book["Встречи"]
    assert [c.value for c in meetings[1]] == ["Дата", t("report.meetings.pair"), t("report.meetings.kind"),
                                              "Длительность, мин", "Состояние"]
    assert meetings["A2"].value == datetime(2026, 11, 3)
    assert meetings["A2"].number_format == "DD.MM.YYYY"
    assert meetings["B2"].value == "Сидоров Олег — Лебедева Ия"
    assert [meetings.cell(row=r, column=5).value for r in range(2, 6)] == [
        "проведена", "проведена", "отменена", "проведена"]
    assert meetings.auto_filter.ref == "A1:E5" and meetings.freeze_panes == "A2"
    answers = book["Обратная связь"]
    assert [c.value for c in answers[1]] == [t("report.feedback.date"), "Роль", t("report.feedback.usefulness"),
                                             "Самое ценное", "Что изменить"]
    assert [c.value for c in answers[2]] == [datetime(2026, 11, 10), t("role.mentor"), 8,
                                             "Поддержка", "Больше практики"]
    assert answers["D3"].value == "Практический совет; Поддержка"
    assert answers.auto_filter.ref == "A1:E4" and answers.freeze_panes == "A2"
    assert summary[t("report.summary.unreachable")] == 1
    fsn = [[c.value for c in row] for row in book["ФСН"].iter_rows(min_row=2)]
    assert [t("role.mentee"), t("form.teacher_teacher"), t("age_group.14_17"), 1] in fsn
    assert ["Итого: наставник", "", "", 3] in fsn or ["Итого: наставник", None, None, 3] in fsn

    await curator.send("/programmes")
    await curator.wait_messages(1)
    await press(live, curator, "Наставничество 2026")
    (card,) = await curator.wait_messages(1)
    assert "Дайджест: пн 09:00" in card.buttons
    await press(live, curator, "Дайджест: пн 09:00")
    await curator.wait_messages(1)
    await press(live, curator, t("digest.day.2"))
    await press(live, curator, "18:00")
    assert "Среда, 18:00" in curator.last_message.text

    async def saved(session):
        programme = await session.get(Programme, seeded_programme.programme_id)
        return (programme.digest_weekday, programme.digest_time) == (2, "18:00")

    await eventually(live, saved)


async def test_announcement_reaches_every_reachable_person_once_and_the_curator_gets_a_summary(
        live, emulator):
    curator = emulator.user(CURATOR, first_name="Куратор", language_code="ru")
    seeded_programme = await seeded(live)
    people = {i: emulator.user(BASE + i, language_code="ru") for i in range(1, 9)}
    for person in people.values():
        person.chat.known = True  # they have talked to the bot before
    emulator.block(people[2])  # Сидоров Олег blocked the bot, the bot does not know yet
    await live.handled()

    await curator.send("/announce")
    (audience,) = await curator.wait_messages(1)
    assert audience.buttons[:3] == [t("ann.audience.mentor"), t("ann.audience.mentee"), t("ann.audience.all")]
    await press(live, curator, t("ann.audience.all"))
    await curator.send("Собрание в пятницу <b>в 15:00</b> & не опаздывайте")
    head, preview = await curator.wait_messages(2)
    # mentors 1, 2 (blocked, now known), 3 (unreachable); mentees 4, 5, 6; 7 waits for a
    # parent's consent and 8 withdrew: neither gets announcements
    assert "4 получателя" in head.text and "недоступны: 2" in head.text
    assert preview.text == "Собрание в пятницу <b>в 15:00</b> & не опаздывайте"
    await press(live, curator, t("ann.send"))
    for i in (1, 4, 5, 6):
        (got,) = await people[i].wait_messages(1, timeout=15)
        assert got.text == "Собрание в пятницу <b>в 15:00</b> & не опаздывайте"
    for i in (2, 3, 7, 8):
        assert people[i].messages == []

    async def summary_sent(session):
        await_done = await curator_jobs.summary_job(job_context(live, datetime.now(UTC)))
        return await_done or await session.scalar(
            select(func.count()).select_from(Announcement)
            .where(Announcement.summary_at.is_not(None)))

    curator.mark_read()
    await eventually(live, summary_sent)
    (summary,) = await curator.wait_messages(1, timeout=15)
    assert summary.text == "📣 Объявление: доставлено 4, недоступны 2."
    await curator_jobs.summary_job(job_context(live, datetime.now(UTC)))
    async with live.app.sessionmaker() as session:
        rows = await session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "announcement"))
    assert rows == 5  # four people and one summary, nothing twice
    assert seeded_programme.programme_id


async def test_participants_cannot_run_curator_commands(live, emulator):
    await seeded(live)
    mentee = emulator.user(BASE + 4, language_code="ru")  # Орлов Глеб, a paired mentee
    mentor = emulator.user(BASE + 1, language_code="ru")
    for who in (mentee, mentor):
        for command in ("/status", "/report", "/announce"):
            await who.send(command)
            (answer,) = await who.wait_messages(1)
            assert answer.text == CURATOR_ONLY
            assert answer.document is None
    before = len(mentee.callback_answers)
    await mentee.press_data("sta:1")
    await answered(live, mentee, before)
    assert mentee.callback_answers[-1].text == DENIED


async def test_status_asks_which_programme_when_the_curator_has_several(live, emulator):
    curator = emulator.user(CURATOR, first_name="Куратор", language_code="ru")
    await seeded(live)
    async with live.app.sessionmaker() as session, session.begin():
        await seed(session, live.app.translator, curator_telegram_id=CURATOR,
                   title="Вторая программа", people_base=BASE + 100)
    await curator.send("/status")
    (choice,) = await curator.wait_messages(1)
    assert choice.buttons == ["Наставничество 2026", "Вторая программа"]
    await press(live, curator, "Вторая программа")
    (status,) = await curator.wait_messages(1)
    assert "«Вторая программа» сейчас" in status.text and "Наставники: 3" in status.text


async def test_pairs_filtered_by_risk_and_stage_and_the_card_shows_progress(live, emulator):
    curator = emulator.user(CURATOR, first_name="Куратор", language_code="ru")
    seeded_programme = await seeded_with_meetings(live)
    live.app.dispatcher["scheduler"].clock = ManualClock(MONDAY_0900_MSK)
    async with live.app.sessionmaker() as session, session.begin():
        pair_id = await session.scalar(select(Pair.id).where(
            Pair.mentor_id == seeded_programme.people["Сидоров Олег"]))
        session.add_all([PlanGoal(pair_id=pair_id, position=1, title="Урок", status="done"),
                         PlanGoal(pair_id=pair_id, position=2, title="Проект")])
    await curator.send("/pairs")
    (listing,) = await curator.wait_messages(1)
    assert "1. Иванова Анна ↔ Орлов Глеб" in listing.text
    assert "2. Сидоров Олег ↔ Лебедева Ия" in listing.text
    assert "• Все" in listing.buttons and t("pairs.filter.risk") in listing.buttons
    await press(live, curator, t("pairs.filter.risk"))
    text = curator.last_message.text
    assert "Показаны: ⚠️ Без встреч — 1" in text
    assert "Иванова Анна ↔ Орлов Глеб" in text and "Сидоров Олег" not in text
    await press(live, curator, t("pairs.filter.regular"))
    text = curator.last_message.text
    assert "Показаны: Рабочие — 1" in text and "Сидоров Олег ↔ Лебедева Ия" in text
    assert "Иванова Анна" not in text
    await press(live, curator, "2. Сидоров Олег ↔ Лебедева Ия")
    (card,) = await curator.wait_messages(1)
    assert ("Встреч: 3, последняя 16.11.2026; последняя оценка: 10.0; "
            "план: выполнено 1 из 2") in card.text
