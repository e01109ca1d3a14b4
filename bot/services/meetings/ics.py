"""A meeting as an iCalendar file, so it lands in the phone's calendar in the person's timezone.

Built from plain values (the outbox stores them with the message), so the file is made at send
time without touching the database: one VEVENT with DTSTART/DTEND in the recipient's TZID, the
matching VTIMEZONE, a UID stable per meeting and a SEQUENCE that grows when the meeting moves."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

GENERATOR = "meeting_ics"
PRODID = "-//mentorbot//meetings//RU"


def meeting_uid(meeting_id: int) -> str:
    return f"meeting-{meeting_id}@mentorbot"


def ics_args(*, meeting_id: int, sequence: int, starts_at: datetime, duration_minutes: int,
             timezone: str, kind: str, location: str | None,
             online: bool, cancel: bool = False, all_day: bool = False) -> dict[str, Any]:
    """What the generator needs, as JSON-safe values for the outbox row; the summary is
    translated from the meeting's kind at send time (bot/delivery/generators.py).
    `all_day`: only the day is known (no time was given): the event is that whole day."""
    args = {"meeting_id": meeting_id, "sequence": sequence, "starts_at": starts_at.isoformat(),
            "duration": duration_minutes, "tz": timezone, "kind": kind,
            "location": location, "online": online, "cancel": cancel}
    if all_day:
        args["all_day"] = True
    return args


def stored_summary(args: Mapping[str, Any], locale: str) -> str | None:
    """The summary a row queued before summaries were translated at send time carries
    ({"ru": …, "en": …}); None for newer rows."""
    summary = args.get("summary")
    if not isinstance(summary, Mapping) or not summary:
        return None
    return str(summary.get(locale) or next(iter(summary.values())))


def filename(args: Mapping[str, Any]) -> str:
    return "meeting-cancelled.ics" if args.get("cancel") else "meeting.ics"


def build_ics(args: Mapping[str, Any], summary: str, stamp: datetime | None = None) -> bytes:
    """The calendar file; `summary` is the event's title, already in the recipient's language
    (plain text: nothing HTML-escaped)."""
    tz = ZoneInfo(args["tz"])
    start = datetime.fromisoformat(args["starts_at"]).astimezone(tz)
    end = start + timedelta(minutes=int(args["duration"]))
    cancel = bool(args.get("cancel"))

    from icalendar import Calendar, Event  # imported when a file is built

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", meeting_uid(int(args["meeting_id"])))
    event.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    if args.get("all_day"):  # the day alone: a DATE, no time anybody would read as given
        event.add("dtstart", start.date())
        event.add("dtend", start.date() + timedelta(days=1))
    else:
        event.add("dtstart", start)
        event.add("dtend", end)
    event.add("sequence", int(args["sequence"]))
    event.add("summary", summary)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    location = args.get("location")
    if location:
        event.add("location", location)
        if args.get("online"):
            event.add("url", location)
    calendar.add_component(event)
    calendar.add_missing_timezones()  # the VTIMEZONE for the TZID of DTSTART/DTEND
    ical: bytes = calendar.to_ical()
    return ical
