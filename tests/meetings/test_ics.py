"""The calendar file parses with a standard iCalendar library and keeps time and zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from bot.services.meetings.ics import build_ics, ics_args, meeting_uid

START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("zone", "hour"), [("Asia/Yekaterinburg", 17), ("Europe/Moscow", 15)])
def test_event_in_the_recipients_zone(zone, hour):
    args = ics_args(meeting_id=7, sequence=2, starts_at=START, duration_minutes=45,
                    timezone=zone, summary={"ru": "Наставничество: пробная встреча",
                                            "en": "Mentoring: trial meeting"},
                    location="https://meet.example.org/abc", online=True)
    calendar = Calendar.from_ical(build_ics(args, "ru"))
    [event] = calendar.walk("VEVENT")
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start.hour, start.minute, str(start.tzinfo)) == (hour, 0, zone)
    assert event["DTSTART"].params["TZID"] == zone
    assert start.astimezone(UTC) == START and (end - start).seconds == 45 * 60
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [zone]
    assert str(event["UID"]) == meeting_uid(7) and int(event["SEQUENCE"]) == 2
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["SUMMARY"]) == "Наставничество: пробная встреча"
    assert str(event["URL"]) == "https://meet.example.org/abc"


def test_cancel_keeps_the_uid_and_says_cancel():
    args = ics_args(meeting_id=7, sequence=3, starts_at=START, duration_minutes=60,
                    timezone="Europe/Moscow", summary={"ru": "Встреча", "en": "Meeting"},
                    location="Кабинет 12", online=False, cancel=True)
    calendar = Calendar.from_ical(build_ics(args, "en"))
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == meeting_uid(7) and str(event["SUMMARY"]) == "Meeting"
    assert "URL" not in event and str(event["LOCATION"]) == "Кабинет 12"
