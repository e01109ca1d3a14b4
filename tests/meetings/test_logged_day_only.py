"""A meeting logged with its day only (issue 19, item 6): «сегодня» at 13:27 is not shown as
«23 ноября, 12:27», a time nobody entered. The logged card, the feedback prompt, the dashboard's
calendar and a calendar file show the day alone; a planned meeting keeps its time."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar

from bot.services.dashboard.calendar import meetings_calendar
from bot.services.meetings.ics import build_ics, ics_args
from tests.e2e.helpers import press
from tests.meetings.test_meetings_e2e import LOG, meetings, message_with
from tests.texts import t

CLOCK_TIME = re.compile(r"\d{1,2}:\d{2}")


async def test_a_meeting_logged_today_shows_the_day_without_a_time(world):
    live, clock = world.live, world.clock
    anna, anna_pid = await world.person(231, "mentor", "Анна Смирнова")
    misha, misha_pid = await world.person(232, "mentee", "Миша Иванов")
    await world.pair(anna_pid, misha_pid)
    clock.set(datetime(2026, 11, 23, 10, 27, tzinfo=UTC))  # Monday 13:27 in Moscow

    await anna.send(LOG)
    await live.handled()
    await press(live, anna, "60 мин")
    await press(live, anna, t("meetings.button.done"))
    card = message_with(anna, "Встреча отмечена")
    assert "встреча-знакомство, 23 ноября, 60 мин" in card.text
    assert not CLOCK_TIME.search(card.text), card.text

    await world.deliver()
    (prompt,) = await misha.wait_messages(1)
    assert prompt.text == t("meetings.feedback.prompt", kind=t("meetings.kind.intro"),
                            when="23 ноября")
    mentor_prompt = message_with(anna, "Как прошла встреча")
    assert "(встреча-знакомство, 23 ноября)" in mentor_prompt.text

    (meeting,) = await meetings(world)
    assert meeting.time_given is False
    async with live.app.sessionmaker() as session:
        span = await meetings_calendar(session, meeting.programme_id, "Europe/Moscow",
                                       date(2026, 11, 23), date(2026, 11, 29))
    (shown,) = span.meetings
    assert shown.day == date(2026, 11, 23) and shown.starts_at == ""


def test_a_calendar_file_of_a_day_only_meeting_is_an_all_day_event():
    start = datetime(2026, 11, 23, 9, 27, tzinfo=UTC)
    args = ics_args(meeting_id=5, sequence=0, starts_at=start, duration_minutes=60,
                    timezone="Europe/Moscow", kind="intro", location=None, online=False,
                    all_day=True)
    event = Calendar.from_ical(build_ics(args, "Встреча")).walk("VEVENT")[0]
    assert event.decoded("dtstart") == date(2026, 11, 23)
    assert event.decoded("dtend") == date(2026, 11, 23) + timedelta(days=1)
    timed = ics_args(meeting_id=5, sequence=0, starts_at=start, duration_minutes=60,
                     timezone="Europe/Moscow", kind="intro", location=None, online=False)
    assert Calendar.from_ical(build_ics(timed, "Встреча")).walk("VEVENT")[0].decoded(
        "dtstart").hour == 12
