"""What meetings make the bot send by itself, all through the outbox: proposals, calendar files,
reminders 24 h and 1 h before, cancellations, feedback prompts and their reminders.

Dedupe keys start with `meeting:<id>:`, so moving or cancelling a meeting cancels its pending
rows by prefix; keys of a moved meeting carry the new SEQUENCE (`…:s2`) so they are new rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.meetings.ics import GENERATOR, ics_args
from bot.services.meetings.people import Attendee
from bot.services.notices import outbox
from bot.services.notices.buttons import Target
from models import Meeting, MeetingFormat, SurveyResponse

REMINDERS = (("24h", timedelta(hours=24)), ("1h", timedelta(hours=1)))
FEEDBACK_REMINDERS = (("r24", timedelta(hours=24)), ("r72", timedelta(hours=72)))


def _seq(meeting: Meeting) -> str:
    return f":s{meeting.sequence}" if meeting.sequence else ""


def _when(meeting: Meeting, attendee: Attendee) -> dict[str, str]:
    """The meeting's day and time in the attendee's zone; the day alone when no time was
    given (a meeting logged with its day only)."""
    if not meeting.time_given:
        day = meeting.starts_at.astimezone(ZoneInfo(attendee.timezone)).date()
        return {"$date": day.isoformat()}
    return {"$datetime": meeting.starts_at.isoformat(), "$tz": attendee.timezone}


def _others(attendee: Attendee, everyone: Sequence[Attendee]) -> str:
    names = [a.name or "—" for a in everyone if a.participation_id != attendee.participation_id
             and (attendee.role == "mentee") == (a.role == "mentor")]
    return ", ".join(names) or "—"


def _params(meeting: Meeting, attendee: Attendee, everyone: Sequence[Attendee]
            ) -> dict[str, object]:
    return {"kind": {"$t": f"meetings.kind.{meeting.kind}"}, "when": _when(meeting, attendee),
            "place": meeting.place or "—", "who": _others(attendee, everyone)}


def _action_buttons(meeting: Meeting, *actions: tuple[str, str]) -> list[list[dict[str, Any]]]:
    return [[outbox.button(text_key=key, target=Target.MEETING_ACTION,
                           fields={"action": action, "meeting": meeting.id})
             for action, key in actions]]


async def _send(session: AsyncSession, attendee: Attendee, everyone: Sequence[Attendee],
                **fields: Any) -> bool:
    if attendee.telegram_id is None:
        return False  # a withdrawn participant: nobody to tell
    # Every meeting message names the other side and the place one of them typed.
    return await outbox.enqueue(session, chat_id=attendee.telegram_id, user_id=attendee.user_id,
                                about=outbox.about(a.participation_id for a in everyone),
                                **fields)


async def proposal(session: AsyncSession, meeting: Meeting, everyone: Sequence[Attendee],
                   recipients: Sequence[Attendee], now: datetime) -> None:
    """Ask the other side to confirm or to propose another time."""
    proposer = next((a for a in everyone if a.participation_id == meeting.proposed_by), None)
    for attendee in recipients:
        params = _params(meeting, attendee, everyone)
        params["proposer"] = proposer.name if proposer and proposer.name else "—"
        await _send(session, attendee, everyone, kind="announcement", due_at=now,
                    dedupe_key=f"meeting:{meeting.id}:proposal{_seq(meeting)}:user:"
                               f"{attendee.user_id}",
                    text_key=f"meetings.notify.proposed.{meeting.format}", params=params,
                    buttons=_action_buttons(meeting, ("ok", "meetings.button.confirm"),
                                            ("mv", "meetings.button.other_time")),
                    expires_at=meeting.starts_at)


def _calendar(meeting: Meeting, attendee: Attendee, cancel: bool) -> dict[str, Any]:
    args = ics_args(meeting_id=meeting.id, sequence=meeting.sequence,
                    starts_at=meeting.starts_at, duration_minutes=meeting.duration_minutes,
                    timezone=attendee.timezone, kind=str(meeting.kind), location=meeting.place,
                    online=meeting.format == MeetingFormat.ONLINE, cancel=cancel,
                    all_day=not meeting.time_given)
    return {"type": "document", "generator": GENERATOR, "args": args}


async def scheduled(session: AsyncSession, meeting: Meeting, everyone: Sequence[Attendee],
                    now: datetime, *, moved: bool = False) -> None:
    """A confirmed (or moved) meeting: the calendar file now, reminders before it."""
    for attendee in everyone:
        params = _params(meeting, attendee, everyone)
        await _send(session, attendee, everyone, kind="announcement", due_at=now,
                    dedupe_key=f"meeting:{meeting.id}:ics{_seq(meeting)}:user:{attendee.user_id}",
                    text_key="meetings.notify.moved" if moved else "meetings.notify.confirmed",
                    params=params, attachment=_calendar(meeting, attendee, False),
                    buttons=_action_buttons(meeting, ("mv", "meetings.button.move"),
                                            ("cx", "meetings.button.cancel")),
                    expires_at=meeting.starts_at)
        for label, before in REMINDERS:
            due = meeting.starts_at - before
            if due <= now:
                continue  # planned less than a day ahead: no 24-hour reminder
            await _send(session, attendee, everyone, kind="reminder", due_at=due,
                        dedupe_key=f"meeting:{meeting.id}:reminder:{label}:user:"
                                   f"{attendee.user_id}{_seq(meeting)}",
                        text_key=f"meetings.reminder.{label}", params=params,
                        expires_at=meeting.starts_at)


async def withdraw_pending(session: AsyncSession, meeting_id: int) -> int:
    """Pending proposals, calendar files and reminders of a meeting that moved or ended."""
    total = 0
    for part in ("proposal", "ics", "reminder"):
        total += await outbox.cancel(session, dedupe_prefix=f"meeting:{meeting_id}:{part}")
    return total


async def cancelled(session: AsyncSession, meeting: Meeting, everyone: Sequence[Attendee],
                    now: datetime, *, was_confirmed: bool,
                    by_participation: int) -> None:
    await withdraw_pending(session, meeting.id)
    for attendee in everyone:
        if attendee.participation_id == by_participation and not was_confirmed:
            continue  # a withdrawn proposal: its author knows
        attachment = _calendar(meeting, attendee, True) if was_confirmed else None
        await _send(session, attendee, everyone, kind="announcement", due_at=now,
                    dedupe_key=f"meeting:{meeting.id}:cancelled:user:{attendee.user_id}",
                    text_key="meetings.notify.cancelled",
                    params=_params(meeting, attendee, everyone), attachment=attachment)


def _feedback_key(meeting_id: int, participation_id: int) -> str:
    return f"meeting:{meeting_id}:feedback:p{participation_id}:"


async def feedback(session: AsyncSession, meeting: Meeting, everyone: Sequence[Attendee],
                   now: datetime) -> None:
    """The short survey after a logged meeting, to everyone in it; reminders after 24 and 72 h
    stay pending until the answers are complete."""
    button = [[outbox.button(text_key="meetings.feedback.button",
                             target=Target.MEETING_FEEDBACK, fields={"meeting": meeting.id})]]
    for attendee in everyone:
        prefix = _feedback_key(meeting.id, attendee.participation_id)
        params = _params(meeting, attendee, everyone)
        await _send(session, attendee, everyone, kind="survey_prompt", due_at=now,
                    dedupe_key=prefix + "prompt", text_key="meetings.feedback.prompt",
                    params=params, buttons=button)
        for label, after in FEEDBACK_REMINDERS:
            await _send(session, attendee, everyone, kind="survey_prompt", due_at=now + after,
                        dedupe_key=prefix + label,
                        text_key=f"meetings.feedback.reminder.{label}", params=params,
                        buttons=button)


async def feedback_done(session: AsyncSession, meeting_id: int, participation_id: int) -> int:
    return await outbox.cancel(session, dedupe_prefix=_feedback_key(meeting_id, participation_id))


async def feedback_withdrawn(session: AsyncSession, meeting_id: int) -> int:
    return await outbox.cancel(session, dedupe_prefix=f"meeting:{meeting_id}:feedback:")


async def feedback_completed(session: AsyncSession, response_id: int) -> None:
    """A survey response completed: a meeting's feedback stops its reminders."""
    response = await session.get(SurveyResponse, response_id)
    if response is None or response.meeting_id is None:
        return
    if response.participation_id is None:  # no participation: no reminders were queued
        return
    await feedback_done(session, response.meeting_id, response.participation_id)
