"""Completion surveys over the real polling loop with a controllable clock: answered / sent in
the digest and /status with «remind those who have not answered», the final surveys N days
before the programme's end, and the reflection after a pair's final meeting."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.callbacks.curator import ProgrammeCallback
from bot.callbacks.digest import SurveyRemindCallback
from bot.callbacks.lifecycle import LifecycleCardCallback
from bot.callbacks.matching import PairCallback
from bot.emulator.survey_player import answer_survey
from bot.services.lifecycle import completion, cycle_invites
from bot.services.notices import digest
from bot.services.reports import monitoring_data
from models import OutboxMessage, Pair, PairState, Programme
from scheduler.lifecycle_jobs import lifecycle_job
from tests.e2e.helpers import press, pressed_data
from tests.e2e.world import DENIED, T0, World
from tests.lifecycle.test_lifecycle_e2e import curator_of, keys_for
from tests.texts import t

# the live bot with a controllable clock of the life cycle tests
REMIND = "🔔 Напомнить не ответившим: Промежуточный опрос"
LOG = t("meetings.button.log")


def texts(who) -> list[str]:
    return [m.text or "" for m in who.messages]


def count(who, fragment: str) -> int:
    return sum(fragment in text for text in texts(who))


async def test_digest_shows_answered_of_sent_and_reminds_those_who_did_not(world: World):
    curator = await curator_of(world)
    m1, m1_pid = await world.person(5401, "mentor", "Орлова Вера")
    e1, e1_pid = await world.person(5402, "mentee", "Пётр Гусев")
    m2, m2_pid = await world.person(5403, "mentor", "Ким Ольга")
    e2, e2_pid = await world.person(5404, "mentee", "Ира Белова")
    await world.pair(m1_pid, e1_pid)
    await world.pair(m2_pid, e2_pid)
    await world.programme(state="running", midterm_on=T0.date())
    assert await lifecycle_job(world.job_context()) == 4
    await world.deliver()
    await e1.wait_messages(1)
    await press(world.live, e1, t("lifecycle.button.mid"))
    await answer_survey(e1, "midterm_control", world.live)

    # Monday 10:00 in Moscow: this week's digest (Monday 09:00) is due.
    curator.mark_read()
    async with world.live.app.sessionmaker() as session, session.begin():
        assert await digest.queue_due_digests(session, world.clock.now(), "ru") == 1
    await world.deliver()
    (weekly,) = await curator.wait_messages(1)
    assert "📋 Промежуточный опрос: ответили 1 из 4" in weekly.text
    assert REMIND in weekly.buttons

    # Someone who is not the programme's curator forges the button: refused, nothing queued.
    remind_data = weekly.button_data(REMIND)
    assert remind_data == SurveyRemindCallback(programme_id=world.programme_id, kind="mid").pack()
    assert await pressed_data(world.live, m1, remind_data) == DENIED
    assert not [k for k in await keys_for(world, "survey:midterm_control:") if ":rc" in k]
    for who in (m1, e1, m2, e2):
        who.mark_read()

    await press(world.live, curator, REMIND)
    (confirmation,) = await curator.wait_messages(1)
    assert "напоминание отправлено 3 участникам" in confirmation.text
    await world.deliver()
    for who in (m1, m2, e2):
        (reminder,) = await who.wait_messages(1)
        assert "Напоминание: промежуточный опрос" in reminder.text
        assert t("lifecycle.button.mid") in reminder.buttons
    assert not e1.messages[e1._read:]

    # Pressed again the same day: nobody is reminded twice.
    answer = await pressed_data(world.live, curator, remind_data)
    assert "уже получили напоминание" in answer
    await world.deliver()
    assert count(m1, "Напоминание: промежуточный опрос") == 1

    # /status shares the lines and the button.
    curator.mark_read()
    await curator.send("/status")
    (status,) = await curator.wait_messages(1)
    assert "📋 Промежуточный опрос: ответили 1 из 4" in status.text and REMIND in status.buttons


async def test_final_surveys_go_n_days_before_the_end_once(world: World):
    curator = await curator_of(world)
    m1, m1_pid = await world.person(5411, "mentor", "Лавров Илья")
    e1, e1_pid = await world.person(5412, "mentee", "Соня Крылова")
    m2, m2_pid = await world.person(5413, "mentor", "Титов Марк")
    e2, e2_pid = await world.person(5414, "mentee", "Аня Зуева")
    await world.pair(m1_pid, e1_pid)
    await world.pair(m2_pid, e2_pid)
    ends = T0.date() + timedelta(days=10)
    # (the midterm control on the last day, out of this test's way)
    await world.programme(state="running", ends_on=ends, midterm_on=ends)

    # The card shows the date (7 days before the end by default); the curator makes it 5.
    await pressed_data(world.live, curator, ProgrammeCallback(
        action="card", programme_id=world.programme_id).pack())
    (card,) = await curator.wait_messages(1)
    default = (ends - timedelta(days=7)).strftime("%d.%m.%Y")
    assert f"📋 Итоговые опросы: {default}" in card.buttons
    await press(world.live, curator, f"📋 Итоговые опросы: {default}")
    (ask,) = await curator.wait_messages(1)
    assert "За сколько дней до окончания" in ask.text and "Сейчас: 7" in ask.text
    await curator.send("сто")
    (wrong,) = await curator.wait_messages(1)
    assert "целое число от 0 до 60" in wrong.text
    await curator.send("5")
    (saved,) = await curator.wait_messages(1)
    when = ends - timedelta(days=5)
    assert f"уйдут за 5 дней до окончания — {when.strftime('%d.%m.%Y')}" in saved.text
    await world.live.handled()  # the reply goes out before the update's commit
    async with world.live.app.sessionmaker() as session:
        assert (await session.get(Programme, world.programme_id)).final_surveys_days == 5
    # A participant cannot open that setting.
    assert await pressed_data(world.live, m1, LifecycleCardCallback(
        action="fin", programme_id=world.programme_id).pack()) == DENIED

    assert await lifecycle_job(world.job_context()) == 0
    world.clock.advance(days=4)
    assert await lifecycle_job(world.job_context()) == 0  # the day before
    world.clock.advance(days=1)  # 10:00 in Moscow, after the digest time (09:00)
    assert await lifecycle_job(world.job_context()) == 12  # 4 people x 3 surveys
    assert await lifecycle_job(world.job_context()) == 0
    # Deliver before moving the clock: a send in flight while the manual clock jumps an hour
    # would outlive its lease and be claimed again (time never jumps so in production).
    await world.deliver()
    world.clock.advance(hours=1)
    assert await lifecycle_job(world.job_context()) == 0
    await world.deliver()
    for who in (m1, e1, m2, e2):
        got = "\n".join(texts(who))
        assert "подходит к концу" in got and "рефлексию" in got
        assert "итоговую самооценку" in got
    async with world.live.app.sessionmaker() as session:
        title = (await session.get(Programme, world.programme_id)).title
    assert [t for t in texts(curator) if "Итоговые опросы отправлены" in t] == [
        f"Итоговые опросы отправлены: 4 участникам программы «{title}»."]

    # The pair is still active, and the mentee can already answer; her wish to become a mentor
    # reaches the next cycle.
    await press(world.live, e1, t("lifecycle.button.fin"))
    await answer_survey(e1, "final_satisfaction_mentee", world.live)
    async with world.live.app.sessionmaker() as session:
        data = await monitoring_data.load(session, world.programme_id)
        assert cycle_invites.future_mentor_ids(data.records) == [e1_pid]

    # Completing the programme later sends nothing again, and tells the curator nothing again.
    for who in (m1, e1, m2, e2):
        who.mark_read()
    curator.mark_read()
    await pressed_data(world.live, curator, ProgrammeCallback(
        action="card", programme_id=world.programme_id).pack())
    await curator.wait_messages(1)
    await press(world.live, curator, t("cur.card.complete"))
    (question,) = await curator.wait_messages(1)
    assert "2 открытые пары" in question.text and "4 участника получат итоговые анкеты" in question.text
    await press(world.live, curator, t("cur.complete.yes"))
    await world.deliver()
    async with world.live.app.sessionmaker() as session:
        assert set((await session.scalars(select(Pair.state))).all()) == {PairState.COMPLETED}
    for who in (m1, e1, m2, e2):
        assert not [m for m in who.messages[who._read:] if "Оцените" in (m.text or "")
                    or "рефлекси" in (m.text or "")]
    assert len([t for t in texts(curator) if "Итоговые опросы отправлены" in t]) == 1
    prompts = {k for k in await keys_for(world, "survey:") if not k.rsplit(":", 1)[1][0] == "r"}
    assert len([k for k in prompts if ":final:" in k or ":exit:" in k
                or ":reflection:" in k]) == 12


async def test_final_meeting_asks_the_pair_for_reflection_once(world: World):
    live = world.live
    anna, anna_pid = await world.person(5421, "mentor", "Анна Смирнова")
    misha, misha_pid = await world.person(5422, "mentee", "Миша Иванов")
    olga, olga_pid = await world.person(5423, "mentor", "Ольга Петрова")
    petya, petya_pid = await world.person(5424, "mentee", "Петя Сидоров")
    (pair_id,) = await world.pair(anna_pid, misha_pid)
    await world.pair(olga_pid, petya_pid)
    await world.programme(state="running")

    async def log_final() -> None:
        await anna.send(LOG)
        await live.handled()
        await press(live, anna, t("meetings.button.change_kind"))
        await press(live, anna, "итоговая встреча")
        await press(live, anna, "60 мин")
        await press(live, anna, t("meetings.button.done"))

    await log_final()
    await world.deliver()
    for who in (anna, misha):
        got = "\n".join(texts(who))
        assert count(who, "самое время для рефлексии") == 1, got
        assert "Итоговая встреча вашей пары" in got and "итоговую самооценку" in got
        assert t("lifecycle.button.refl") in [b for m in who.messages for b in m.buttons]
    assert not count(petya, "рефлекси") and not count(olga, "рефлекси")

    # Deleted within the edit window and logged again: no second reflection prompt.
    logged = next(m for m in reversed(anna.messages) if "Встреча отмечена" in (m.text or ""))
    await anna.press_data(logged.button_data("🗑 Удалить"), logged.message_id)
    await live.handled()
    await press(live, anna, t("meetings.button.delete_confirm"))
    async with live.app.sessionmaker() as session:
        assert (await session.get(Pair, pair_id)).stage != "final"
    await log_final()
    await world.deliver()
    for who in (anna, misha):
        assert count(who, "самое время для рефлексии") == 1
    async with live.app.sessionmaker() as session:
        assert (await session.get(Pair, pair_id)).stage == "final"
        rows = list(await session.scalars(select(OutboxMessage.dedupe_key).where(
            OutboxMessage.dedupe_key.like("survey:reflection:%"))))
    assert sorted(k for k in rows if not k.split(":")[-1].startswith("r")) == sorted(
        f"survey:reflection:pair:{pair_id}:reflection:{pid}" for pid in (anna_pid, misha_pid))


async def test_a_pair_ended_early_after_the_final_surveys_gets_no_more_reminders(world: World):
    curator = await curator_of(world)
    m1, m1_pid = await world.person(5431, "mentor", "Гусева Лида")
    e1, e1_pid = await world.person(5432, "mentee", "Рома Чернов")
    m2, m2_pid = await world.person(5433, "mentor", "Ершов Олег")
    e2, e2_pid = await world.person(5434, "mentee", "Лиза Попова")
    (p1,) = await world.pair(m1_pid, e1_pid)
    (p2,) = await world.pair(m2_pid, e2_pid)
    await world.programme(state="running")
    async with world.live.app.sessionmaker() as session, session.begin():
        assert await completion.final_meeting(session, [p1, p2], world.clock.now()) == 12
    await world.deliver()
    await pressed_data(world.live, curator, PairCallback(action="end", pair_id=p1).pack())
    await curator.wait_messages(1)
    await curator.send("Наставник уволился")
    await curator.wait_messages(1)  # the question
    await press(world.live, curator, t("pair.end_yes"))
    await curator.wait_messages(1)  # the card
    await world.live.handled()
    async with world.live.app.sessionmaker() as session:
        states = dict((await session.execute(select(
            OutboxMessage.dedupe_key, OutboxMessage.state).where(
            OutboxMessage.dedupe_key.like("survey:%:r%")))).all())
    ended = {k: v for k, v in states.items() if k.split(":")[-2] in (str(m1_pid), str(e1_pid))}
    going = {k: v for k, v in states.items() if k.split(":")[-2] in (str(m2_pid), str(e2_pid))}
    assert len(ended) == len(going) == 12  # 2 people x 3 surveys x 2 reminders
    assert set(ended.values()) == {"cancelled"} and set(going.values()) == {"pending"}
