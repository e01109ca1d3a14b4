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
             timezone: str, summary: Mapping[str, str], location: str | None,
             online: bool, cancel: bool = False) -> dict[str, Any]:
    """What the generator needs, as JSON-safe values for the outbox row."""
    return {"meeting_id": meeting_id, "sequence": sequence, "starts_at": starts_at.isoformat(),
            "duration": duration_minutes, "tz": timezone, "summary": dict(summary),
            "location": location, "online": online, "cancel": cancel}


def build_ics(args: Mapping[str, Any], locale: str, stamp: datetime | None = None) -> bytes:
    tz = ZoneInfo(args["tz"])
    start = datetime.fromisoformat(args["starts_at"]).astimezone(tz)
    end = start + timedelta(minutes=int(args["duration"]))
    cancel = bool(args.get("cancel"))
    summary = args["summary"].get(locale) or next(iter(args["summary"].values()))

    from icalendar import Calendar, Event  # imported when a file is built

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", meeting_uid(int(args["meeting_id"])))
    event.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
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
    return calendar.to_ical()


async def ics_generator(args: Mapping[str, Any], locale: str) -> tuple[str, bytes]:
    """The outbox attachment generator: (filename, bytes) for the recipient's language."""
    name = "meeting-cancelled.ics" if args.get("cancel") else "meeting.ics"
    return name, build_ics(args, locale)
