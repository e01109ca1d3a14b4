"""What responsible people do with a roadmap item: mark it done (with a comment or a result
file) or ask for more time, which the curator approves or declines. Every item id from a
button is checked against the person pressing: a responsible person or the programme's
curator; anyone else, or an item of another programme, gets AccessDenied."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.roadmap import RoadmapExtensionCallback
from bot.services.errors import AccessDenied, DomainError
from bot.services.notices import notify, outbox
from bot.services.people import access
from bot.services.roadmap import parse_deadline
from bot.services.roadmap.schedule import recipients
from models import Curator, Programme, RoadmapItem, RoadmapStatus, User

MAX_COMMENT = 1000


async def _is_curator(session: AsyncSession, user_id: int, programme_id: int) -> bool:
    try:
        await access.require_curator(session, user_id, programme_id)
    except AccessDenied:
        return False
    return True


async def require_item(session: AsyncSession, user_id: int | None, item_id: int
                       ) -> RoadmapItem:
    """The item if this person is responsible for it or curates its programme."""
    item = await session.get(RoadmapItem, item_id)
    if user_id is None or item is None or item.status == RoadmapStatus.REMOVED:
        raise AccessDenied()
    if await _is_curator(session, user_id, item.programme_id):
        return item
    people = await recipients(session, [item])
    if user_id not in {r.user_id for r in people.get(item.id, [])}:
        raise AccessDenied()
    return item


async def require_curated_item(session: AsyncSession, user_id: int | None, item_id: int
                               ) -> RoadmapItem:
    item = await session.get(RoadmapItem, item_id)
    if item is None:
        raise AccessDenied()
    await access.require_curator(session, user_id, item.programme_id)
    return item


def _label(item: RoadmapItem) -> str:
    return f"{item.number} {item.title}" if item.number else item.title


async def mark_done(session: AsyncSession, item: RoadmapItem, user_id: int, *,
                    comment: str | None, file_id: str | None, now: datetime) -> None:
    if item.status == RoadmapStatus.DONE:
        return
    comment = " ".join((comment or "").split())[:MAX_COMMENT] or None
    item.status = RoadmapStatus.DONE
    item.done_at, item.done_by_user_id = now, user_id
    item.done_comment, item.done_file_id = comment, file_id
    await outbox.cancel(session, dedupe_prefix=f"roadmap:{item.id}:")
    for curator_user, chat_id in await notify.curator_accounts(session, item.programme_id):
        if curator_user == user_id:
            continue
        await outbox.enqueue(
            session, chat_id=chat_id, user_id=curator_user, kind="announcement", due_at=now,
            dedupe_key=f"roadmapnote:{item.id}:done:user:{curator_user}",
            text_key="roadmap.notice.done",
            params={"item": _label(item)[:300], "comment": comment or "—"}, now=now,
            about=outbox.about(users=[user_id]))  # the comment they typed


async def undo_done(session: AsyncSession, item: RoadmapItem) -> None:
    item.status = RoadmapStatus.UPCOMING
    item.done_at = item.done_by_user_id = item.done_comment = item.done_file_id = None


def parse_new_date(text: str | None, programme: Programme) -> date:
    deadline = parse_deadline(text or "", (programme.starts_on, programme.ends_on))
    if not deadline.is_dated or deadline.end is None:
        raise DomainError("roadmap.error.deadline")
    return deadline.end


async def request_extension(session: AsyncSession, item: RoadmapItem, user_id: int, *,
                            reason: str, new_date: date, now: datetime) -> None:
    item.extension_requested_at, item.extension_by_user_id = now, user_id
    item.extension_reason = " ".join(reason.split())[:MAX_COMMENT]
    item.extension_new_date = new_date
    stamp = int(now.timestamp())
    buttons = [[
        outbox.button(text_key="roadmap.btn.approve", callback_data=RoadmapExtensionCallback(
            approve=True, item_id=item.id).pack()),
        outbox.button(text_key="roadmap.btn.decline", callback_data=RoadmapExtensionCallback(
            approve=False, item_id=item.id).pack()),
    ]]
    for curator_user, chat_id in await notify.curator_accounts(session, item.programme_id):
        await outbox.enqueue(
            session, chat_id=chat_id, user_id=curator_user, kind="announcement", due_at=now,
            dedupe_key=f"roadmapnote:{item.id}:ext:{stamp}:user:{curator_user}",
            text_key="roadmap.notice.extension",
            params={"item": _label(item)[:300], "reason": item.extension_reason,
                    "old": item.ends_on.strftime("%d.%m.%Y") if item.ends_on else "—",
                    "new": new_date.strftime("%d.%m.%Y")},
            buttons=buttons, now=now, about=outbox.about(users=[user_id]))  # their reason


async def decide_extension(session: AsyncSession, item: RoadmapItem, approve: bool,
                           now: datetime) -> date | None:
    """Approve (move the deadline, re-schedule reminders) or decline a pending request."""
    new_date = item.extension_new_date
    requester = item.extension_by_user_id
    if new_date is None:
        raise DomainError("roadmap.error.no_request")
    if approve:
        old = item.ends_on
        item.ends_on = new_date
        if item.starts_on is None or item.starts_on > new_date or item.kind != "range":
            item.starts_on = new_date
            item.kind, item.recurrence = "by", None
        previous = old.strftime("%d.%m.%Y") if old else item.deadline_text
        item.deadline_text = f"{previous} → {new_date.strftime('%d.%m.%Y')}"[:1000]
        # Pending reminders of the old date go; the job writes the new ones.
        await outbox.cancel(session, dedupe_prefix=f"roadmap:{item.id}:")
    item.extension_requested_at = item.extension_by_user_id = None
    item.extension_reason = item.extension_new_date = None
    if requester is not None:
        user = await session.get(User, requester)
        if user is not None:
            await outbox.enqueue(
                session, chat_id=user.telegram_id, user_id=user.id, kind="announcement",
                due_at=now, dedupe_key=f"roadmapnote:{item.id}:decided:{int(now.timestamp())}"
                                       f":user:{user.id}",
                text_key="roadmap.notice.approved" if approve else "roadmap.notice.declined",
                params={"item": _label(item)[:300], "date": new_date.strftime("%d.%m.%Y")},
                now=now, about=outbox.NOBODY)
    return new_date if approve else None


async def my_items(session: AsyncSession, user_id: int) -> list[RoadmapItem]:
    """Items (not removed) this person is responsible for, across their programmes."""
    from models import Participation

    programme_ids = set((await session.scalars(select(Participation.programme_id).where(
        Participation.user_id == user_id))).all())
    org_ids = (await session.scalars(select(Curator.organisation_id).where(
        Curator.user_id == user_id))).all()
    if org_ids:
        programme_ids |= set((await session.scalars(select(Programme.id).where(
            Programme.organisation_id.in_(org_ids)))).all())
    if not programme_ids:
        return []
    items = list((await session.scalars(select(RoadmapItem).where(
        RoadmapItem.programme_id.in_(programme_ids),
        RoadmapItem.status != RoadmapStatus.REMOVED)
        .order_by(RoadmapItem.programme_id, RoadmapItem.position))).all())
    people = await recipients(session, items)
    return [i for i in items if user_id in {r.user_id for r in people.get(i.id, [])}]
