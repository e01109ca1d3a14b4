"""Meetings end to end over the emulator, with a controllable clock: plan → confirm → calendar
files → reminders once each at the right moments → log in three taps → feedback → reminder for
the missing answer → cadence nudge and at-risk mark; moves, cancels, forged buttons, the 48-hour
limit and a double tap."""

from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar
from sqlalchemy import func, select

from bot.callbacks.meetings import LogCallback, MeetingActionCallback
from bot.emulator.survey_player import answer_survey
from bot.services.meetings import cadence as meetings_status
from bot.services.reports import programme_stats
from handlers.meetings.views import day_label
from models import Meeting, MeetingState, OutboxMessage, Pair
from scheduler.meetings_jobs import cadence_job
from tests.e2e.helpers import press, pressed_data
from tests.e2e.world import DENIED, T0
from tests.texts import t

LOG = t("meetings.button.log")


def texts(user) -> list[str]:
    return [m.text or "" for m in user.messages]


def count(user, fragment: str) -> int:
    return sum(fragment in t for t in texts(user))


def message_with(user, fragment: str):
    return next(m for m in reversed(user.messages) if fragment in (m.text or ""))


def calendar_of(message):
    assert message.document is not None, message.text
    calendar = Calendar.from_ical(message.document.content)
    return calendar, calendar.walk("VEVENT")[0]


async def meetings(world) -> list[Meeting]:
    async with world.live.app.sessionmaker() as session:
        return list((await session.scalars(select(Meeting).order_by(Meeting.id))).all())


async def plan(world, who, day: date, hm: str, place: str = "Кабинет 12") -> None:
    """/meet with one pair: kind (preselected, confirmed by a tap), day, time, in person, place."""
    await who.send("/meet")
    await world.live.handled()
    kind_button = next(b for b in who.last_message.buttons if b.startswith("✓ "))
    await press(world.live, who, kind_button)
    await press(world.live, who, day_label(day, "ru"))
    await press(world.live, who, hm)
    await press(world.live, who, t("meetings.format.offline"))
    await who.send(place)
    await world.live.handled()


async def test_plan_confirm_remind_log_feedback_and_cadence(world):
    live, clock = world.live, world.clock
    anna, anna_pid = await world.person(201, "mentor", "Анна Смирнова", "Asia/Yekaterinburg")
    misha, misha_pid = await world.person(202, "mentee", "Миша Иванов")  # organisation's zone
    [pair_id] = await world.pair(anna_pid, misha_pid)

    # The mentee proposes an intro meeting on Wednesday 25 Nov, 15:00 Moscow time.
    await plan(world, misha, date(2026, 11, 25), "15:00")
    assert "Предложение отправлено: встреча-знакомство, 25 ноября, 15:00" in misha.last_message.text
    await world.deliver()
    [proposal] = await anna.wait_messages(1)
    assert "Миша Иванов предлагает встречу: встреча-знакомство, 25 ноября, 17:00" in proposal.text
    anna.mark_read()
    misha.mark_read()

    await press(live, anna, t("meetings.button.confirm"))
    await world.deliver()
    [anna_ics] = await anna.wait_messages(1)
    [misha_ics] = await misha.wait_messages(1)
    for message, zone, hour in ((anna_ics, "Asia/Yekaterinburg", 17),
                                (misha_ics, "Europe/Moscow", 15)):
        calendar, vevent = calendar_of(message)
        assert str(calendar["METHOD"]) == "REQUEST"
        start = vevent.decoded("DTSTART")
        assert (start.hour, start.minute, str(start.tzinfo)) == (hour, 0, zone)
        assert vevent["DTSTART"].params["TZID"] == zone
        assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [zone]
        assert start.astimezone(T0.tzinfo) == T0.replace(day=25, hour=12)
        assert int(vevent["SEQUENCE"]) == 0
    [meeting] = await meetings(world)
    assert meeting.state == MeetingState.CONFIRMED

    # Reminders: nothing a minute early, one each at 24 h and at 1 h, never twice.
    start = T0.replace(day=25, hour=12)
    clock.set(start - timedelta(hours=24, minutes=1))
    await world.deliver()
    assert count(anna, "Завтра") == count(misha, "Завтра") == 0
    clock.set(start - timedelta(hours=24))
    await world.deliver()
    await world.deliver()
    assert count(anna, "⏰ Завтра встреча: встреча-знакомство с Миша Иванов, 25 ноября, 17:00") == 1
    assert count(misha, "⏰ Завтра встреча: встреча-знакомство с Анна Смирнова, 25 ноября, 15:00") == 1
    clock.set(start - timedelta(hours=1))
    await world.deliver()
    await world.deliver()
    assert count(anna, "Через час") == count(misha, "Через час") == 1
    anna.mark_read()
    misha.mark_read()

    # After the meeting the mentor is asked whether it took place, then logs it.
    clock.set(start + timedelta(hours=2))
    await anna.send(LOG)
    await live.handled()
    assert "Состоялась ли встреча 25 ноября, 17:00" in anna.last_message.text
    await press(live, anna, t("meetings.button.took_place"))
    assert t("meetings.kind.intro") in anna.last_message.text
    await press(live, anna, "60 мин")
    await press(live, anna, t("meetings.button.done"))
    assert message_with(anna, "Встреча отмечена")
    [meeting] = await meetings(world)
    assert meeting.state == MeetingState.DONE and meeting.duration_minutes == 60
    async with live.app.sessionmaker() as session:
        assert (await session.get(Pair, pair_id)).stage == "trial"

    # Both get the feedback prompt; the mentee answers, the mentor does not.
    anna.mark_read()
    await world.deliver()
    [prompt] = await misha.wait_messages(1)
    assert "Как прошла встреча" in prompt.text
    [anna_prompt] = [m for m in anna.messages if "Как прошла встреча" in (m.text or "")]
    assert anna_prompt.buttons == [t("meetings.feedback.button")]
    await press(live, misha, t("meetings.feedback.button"))
    await answer_survey(misha, "meeting_feedback", live)
    async with live.app.sessionmaker() as session:  # the report finds it by the meeting's key
        [answered] = await programme_stats.feedback_rows(session, world.programme_id, "UTC")
        assert answered.role == "mentee" and answered.usefulness is not None
    clock.set(start + timedelta(hours=2, minutes=1) + timedelta(hours=24))
    await world.deliver()
    assert count(anna, "отзыв о встрече") == 1  # the 24-hour reminder
    assert count(misha, "отзыв о встрече") == 0
    clock.set(start + timedelta(hours=2, minutes=1) + timedelta(hours=72))
    await world.deliver()
    assert count(anna, "Последнее напоминание") == 1
    assert count(misha, "Последнее напоминание") == 0

    # Cadence: 10 days without a meeting → one nudge; at 14 days the pair is at risk.
    clock.set(start + timedelta(days=9))
    assert await cadence_job(world.job_context()) == 0
    clock.set(start + timedelta(days=10, hours=1))
    assert await cadence_job(world.job_context()) == 1
    assert await cadence_job(world.job_context()) == 0  # once per last meeting
    await world.deliver()
    assert count(anna, "не было встреч уже 10 дней") == 1
    async with live.app.sessionmaker() as session:
        today = (start + timedelta(days=10)).date()
        assert await meetings_status.pairs_at_risk(session, world.programme_id, today) == []
        at_risk = await meetings_status.pairs_at_risk(session, world.programme_id,
                                                      today + timedelta(days=4))
        assert [p.pair_id for p in at_risk] == [pair_id]
        counts = await meetings_status.meetings_between(session, world.programme_id,
                                                        start - timedelta(days=1),
                                                        start + timedelta(days=1))
        assert counts.done == 1 and counts.planned == 0


async def test_moving_resends_the_calendar_and_moves_reminders_cancel_stops_them(world):
    live, clock = world.live, world.clock
    anna, anna_pid = await world.person(211, "mentor", "Анна Смирнова", "Asia/Yekaterinburg")
    misha, misha_pid = await world.person(212, "mentee", "Миша Иванов", "Europe/Moscow")
    await world.pair(anna_pid, misha_pid)
    await plan(world, anna, date(2026, 11, 26), "10:00")  # 10:00 Yekaterinburg = 05:00 UTC
    await world.deliver()
    await press(live, misha, t("meetings.button.confirm"))
    await world.deliver()
    anna.mark_read()
    misha.mark_read()

    # Anna moves it from her calendar message to Friday 27 Nov, 12:00 (her time).
    await anna.press(t("meetings.button.move"))
    await live.handled()
    await press(live, anna, day_label(date(2026, 11, 27), "ru"))
    await press(live, anna, "12:00")
    assert "Встреча перенесена" in anna.last_message.text
    await world.deliver()
    moved_anna = next(m for m in anna.messages if m.document is not None and "перенесена" in m.text)
    [moved_misha] = await misha.wait_messages(1)
    for message, zone, hour in ((moved_anna, "Asia/Yekaterinburg", 12),
                                (moved_misha, "Europe/Moscow", 10)):
        _, vevent = calendar_of(message)
        assert int(vevent["SEQUENCE"]) == 1
        start = vevent.decoded("DTSTART")
        assert (start.day, start.hour, str(start.tzinfo)) == (27, hour, zone)

    # The old reminder time passes silently; the new one reminds once.
    old, new = T0.replace(day=26, hour=5), T0.replace(day=27, hour=7)
    clock.set(old - timedelta(hours=24))
    await world.deliver()
    assert count(anna, "Завтра") == count(misha, "Завтра") == 0
    clock.set(new - timedelta(hours=24))
    await world.deliver()
    assert count(anna, "Завтра") == count(misha, "Завтра") == 1

    # Misha cancels: a cancelling calendar file, and no 1-hour reminder afterwards.
    misha.mark_read()
    await misha.press("✖️ Отменить")
    await live.handled()
    await world.deliver()
    cancel_anna = next(m for m in anna.messages if "отменена" in (m.text or ""))
    calendar, vevent = calendar_of(cancel_anna)
    assert str(calendar["METHOD"]) == "CANCEL" and str(vevent["STATUS"]) == "CANCELLED"
    assert int(vevent["SEQUENCE"]) == 1
    clock.set(new - timedelta(hours=1))
    await world.deliver()
    assert count(anna, "Через час") == count(misha, "Через час") == 0
    async with live.app.sessionmaker() as session:
        pending = await session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.state == "pending"))
    assert pending == 0


async def test_three_taps_double_tap_forged_buttons_and_the_48_hour_limit(world):
    live, clock = world.live, world.clock
    anna, anna_pid = await world.person(221, "mentor", "Анна Смирнова")
    misha, misha_pid = await world.person(222, "mentee", "Миша Иванов")
    olga, olga_pid = await world.person(223, "mentor", "Ольга Петрова")
    petya, petya_pid = await world.person(224, "mentee", "Петя Сидоров")
    [anna_pair] = await world.pair(anna_pid, misha_pid)
    [olga_pair] = await world.pair(olga_pid, petya_pid)

    # /start shows the persistent button to the mentor.
    await anna.send("/start")
    await live.handled()
    assert anna.last_message.reply_markup["keyboard"][0][0]["text"] == LOG

    taps = 0
    await anna.send(LOG)
    taps += 1
    await live.handled()
    card = anna.last_message
    assert t("meetings.kind.intro") in card.text  # the kind is preselected
    await press(live, anna, "60 мин")
    taps += 1
    # Double tap on «Готово»: both presses reach the bot, one log is made.
    done = anna.last_message.button_data("✅ Готово")
    before = len(anna.callback_answers)
    await anna.press_data(done)
    await anna.press_data(done)
    taps += 1
    await live.handled()
    assert len(anna.callback_answers) == before + 2, "the double tap was not answered"
    assert taps == 3
    assert message_with(anna, "Встреча отмечена")
    logged = await meetings(world)
    assert len(logged) == 1 and logged[0].state == MeetingState.DONE
    meeting_id = logged[0].id

    # Olga forges buttons naming Anna's meeting and pair: refused, nothing changes.
    forged = [MeetingActionCallback(action="cx", meeting=meeting_id).pack(),
              LogCallback(action="ok", pair=anna_pair, kind="intro", dur=30).pack(),
              LogCallback(action="ok", pair=olga_pair, kind="intro", dur=30,
                          meeting=meeting_id).pack()]
    await olga.send("/start")
    await live.handled()
    for data in forged:
        assert await pressed_data(live, olga, data) == DENIED
    after = await meetings(world)
    assert [(m.id, m.state, m.duration_minutes) for m in after] == [(meeting_id, "done", 60)]

    # Within 48 hours the log can be edited; after that, not.
    await press(live, anna, t("meetings.button.edit"))
    await press(live, anna, "90 мин")
    await press(live, anna, t("meetings.button.done"))
    assert (await meetings(world))[0].duration_minutes == 90
    clock.advance(hours=49)
    logged_card = message_with(anna, "Встреча отмечена")
    answer = await pressed_data(live, anna, logged_card.button_data("🗑 Удалить"))
    assert "48 часов" in answer
    assert [m.state for m in await meetings(world)] == ["done"]


async def test_mentee_alarm_reaches_the_curator_chat_at_once(world):
    live = world.live
    anna, anna_pid = await world.person(231, "mentor", "Анна Смирнова")
    misha, misha_pid = await world.person(232, "mentee", "Миша Иванов")
    await world.pair(anna_pid, misha_pid)
    group = world.emulator.group(-100777, "Кураторы")
    await group.add_bot(anna)
    await live.handled()
    await world.programme(curator_chat_id=-100777)

    await misha.send("/help_me")
    await live.handled()
    assert "Анна Смирнова" in misha.last_message.text
    await press(live, misha, t("meetings.help.confirm"))
    assert "Куратор получил сообщение" in misha.last_message.text
    await world.deliver()
    [alert] = await group.wait_messages(1)
    assert "Миша Иванов сообщает: наставник Анна Смирнова не выходит на связь" in alert.text
