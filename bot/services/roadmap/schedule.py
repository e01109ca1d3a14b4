"""Deadline reminders of roadmap items: which dates an item falls due on, who is responsible,
and the periodic job that writes due reminders into the outbox.

A reminder is due at 09:00 local time (the person's timezone, else the organisation's) on the
deadline minus each offset of the programme (default 7, 1 and 0 days). The job runs hourly and
is idempotent: the dedupe key `roadmap:<item>:<occurrence>:<offset>:user:<id>` makes a second
run write nothing, and marking an item done cancels its pending rows by that prefix."""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.roadmap import RoadmapItemCallback
from bot.services.notices import outbox
from models import (
    Curator,
    Organisation,
    Participation,
    ParticipationState,
    Programme,
    RoadmapItem,
    RoadmapResponsible,
    RoadmapSettings,
    RoadmapStatus,
    User,
)

logger = logging.getLogger("mentorbot.roadmap")

NEVER_REMIND = ("undated", "on_request", "schedule")
DEFAULT_OFFSETS = (7, 1, 0)
REMIND_AT = time(9, 0)
# A reminder is written up to an hour before it is due, and still within 20 hours after
# (downtime), so an hourly job never misses one and a late one is not sent a day later.
LOOKAHEAD = timedelta(hours=1)
CATCH_UP = timedelta(hours=20)
_UNIT_DAYS = {"yearly": 366, "quarterly": 92, "monthly": 31}
_STEP_MONTHS = {"yearly": 12, "quarterly": 3, "monthly": 1}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def occurrences(kind: str, recurrence: str | None, start: date | None, end: date | None,
                period: tuple[date, date] | None) -> list[date]:
    """The deadlines of an item: one for a plain deadline (its end), one per period of a
    recurring item, none for undated, on-request and by-schedule items."""
    if kind in NEVER_REMIND or end is None:
        return []
    if kind != "recurring" or recurrence not in _UNIT_DAYS:
        return [end]
    start = start or end
    # «Ежегодно, июнь»: the window is the first occurrence; the series runs to the
    # programme's end. «Ежеквартально» over the whole year: the window is the series.
    series_end = end
    if (end - start).days + 1 <= _UNIT_DAYS[recurrence] and period is not None:
        series_end = max(end, period[1])
    step = _STEP_MONTHS[recurrence]
    if recurrence == "yearly" and series_end > end:
        result, day = [], end
        while day <= series_end:
            result.append(day)
            day = _add_months(day, 12)
        return result
    # Period ends (month ends, quarter ends) inside the window.
    result = []
    year, month = start.year, start.month
    while True:
        if month % step == 0 or step == 1:
            day = _month_end(year, month)
            if day > series_end:
                break
            if day >= start:
                result.append(day)
        elif _month_end(year, month) > series_end:
            break
        month += 1
        if month > 12:
            year, month = year + 1, 1
    if recurrence == "yearly" and not result:
        result = [end]
    return result


def next_occurrence(kind: str, recurrence: str | None, start: date | None, end: date | None,
                    period: tuple[date, date] | None, today: date | None) -> date | None:
    dates = occurrences(kind, recurrence, start, end, period)
    if not dates:
        return None
    if today is None:
        return dates[-1]
    upcoming = [d for d in dates if d >= today]
    return upcoming[0] if upcoming else dates[-1]


def _zone(name: str | None, fallback: str) -> ZoneInfo:
    for candidate in (name, fallback, "Europe/Moscow"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


@dataclass(frozen=True)
class Recipient:
    user_id: int
    telegram_id: int
    timezone: str | None


async def recipients(session: AsyncSession, items: list[RoadmapItem]
                     ) -> dict[int, list[Recipient]]:
    """Confirmed responsible people of each item; a role reaches every holder of it."""
    if not items:
        return {}
    ids = [i.id for i in items]
    programme_ids = {i.programme_id for i in items}
    responsibles = list((await session.scalars(select(RoadmapResponsible).where(
        RoadmapResponsible.item_id.in_(ids), RoadmapResponsible.confirmed.is_(True)))).all())
    programmes = {p.id: p for p in await session.scalars(
        select(Programme).where(Programme.id.in_(programme_ids)))}
    org_ids = {p.organisation_id for p in programmes.values()}
    participations = list((await session.scalars(select(Participation).where(
        Participation.programme_id.in_(programme_ids),
        Participation.state != ParticipationState.WITHDRAWN,
        Participation.user_id.is_not(None)))).all())
    curators = list((await session.scalars(select(Curator).where(
        Curator.organisation_id.in_(org_ids), Curator.user_id.is_not(None)))).all())
    by_participation = {p.id: p.user_id for p in participations}
    by_curator = {c.id: c.user_id for c in curators}
    user_ids: dict[int, set[int]] = {i.id: set() for i in items}
    programme_of = {i.id: programmes[i.programme_id] for i in items}
    for row in responsibles:
        programme = programme_of[row.item_id]
        found: set[int | None] = set()
        if row.participation_id is not None:
            found.add(by_participation.get(row.participation_id))
        if row.curator_id is not None:
            found.add(by_curator.get(row.curator_id))
        if row.role == "curator":
            found |= {c.user_id for c in curators if c.organisation_id == programme.organisation_id}
        elif row.role in ("mentor", "mentee"):
            found |= {p.user_id for p in participations
                      if p.programme_id == programme.id and p.role == row.role}
        user_ids[row.item_id] |= {u for u in found if u is not None}
    all_users = set().union(*user_ids.values())
    users = {u.id: u for u in await session.scalars(select(User).where(User.id.in_(all_users)))
             } if all_users else {}
    return {item_id: [Recipient(u, users[u].telegram_id, users[u].timezone)
                      for u in sorted(found) if u in users]
            for item_id, found in user_ids.items()}


async def schedule_due(session: AsyncSession, now: datetime) -> int:
    """Write every reminder due around `now` into the outbox; returns how many were new."""
    today = now.date()
    rows = await session.execute(
        select(RoadmapItem, Programme, Organisation.timezone, RoadmapSettings.reminder_offsets)
        .join(Programme, Programme.id == RoadmapItem.programme_id)
        .join(Organisation, Organisation.id == Programme.organisation_id)
        .outerjoin(RoadmapSettings, RoadmapSettings.programme_id == Programme.id)
        .where(RoadmapItem.status == RoadmapStatus.UPCOMING,
               RoadmapItem.kind.not_in(NEVER_REMIND),
               RoadmapItem.ends_on >= today - timedelta(days=2),
               Programme.state != "completed"))
    due: list[tuple[RoadmapItem, Programme, str, date, int]] = []
    for item, programme, org_zone, offsets in rows:
        period = (programme.starts_on, programme.ends_on)
        for occurrence in occurrences(item.kind, item.recurrence, item.starts_on, item.ends_on,
                                      period):
            for offset in offsets if offsets is not None else DEFAULT_OFFSETS:
                day = occurrence - timedelta(days=offset)
                if today - timedelta(days=2) <= day <= today + timedelta(days=2):
                    due.append((item, programme, org_zone, occurrence, offset))
    if not due:
        return 0
    people = await recipients(session, list({d[0].id: d[0] for d in due}.values()))
    written = 0
    for item, programme, org_zone, occurrence, offset in due:
        for person in people.get(item.id, []):
            zone = _zone(person.timezone, org_zone)
            moment = datetime.combine(occurrence - timedelta(days=offset), REMIND_AT, zone)
            if not now - CATCH_UP < moment <= now + LOOKAHEAD:
                continue
            written += await _enqueue(session, item, programme, occurrence, offset, person,
                                      moment, now)
    if written:
        logger.info("roadmap: %s reminder(s) scheduled", written)
    return written


def reminder_buttons(item_id: int) -> list[list[dict]]:
    return [[outbox.button(text_key="roadmap.btn.done", callback_data=RoadmapItemCallback(
                action="done", item_id=item_id).pack()),
             outbox.button(text_key="roadmap.btn.extend", callback_data=RoadmapItemCallback(
                 action="ext", item_id=item_id).pack())]]


async def _enqueue(session: AsyncSession, item: RoadmapItem, programme: Programme,
                   occurrence: date, offset: int, person: Recipient, moment: datetime,
                   now: datetime) -> int:
    params = {"number": item.number or "—", "title": item.title[:300],
              "date": occurrence.strftime("%d.%m.%Y"), "programme": programme.title}
    created = await outbox.enqueue(
        session, chat_id=person.telegram_id, user_id=person.user_id, kind="reminder",
        due_at=moment, dedupe_key=f"roadmap:{item.id}:{occurrence.isoformat()}:{offset}"
                                  f":user:{person.user_id}",
        text_key="roadmap.remind.before" if offset else "roadmap.remind.today",
        count=offset if offset else None, params=params, buttons=reminder_buttons(item.id),
        now=now, about=outbox.NOBODY)  # the organisation's document, the recipient's own item
    return 1 if created else 0
