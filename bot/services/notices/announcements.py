"""A curator's announcement to a programme's mentors, mentees or everyone: recipients, one
outbox row per person, and the delivery summary the curator gets once the rows are settled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import DomainError
from bot.services.notices import outbox
from models import Announcement, OutboxMessage, OutboxState, Participation, ParticipationState, User

AUDIENCES = ("mentor", "mentee", "all")
MAX_TEXT = 3500
MAX_MESSAGE = 4096  # Telegram's limit for the escaped text
# Who hears announcements: people who consented and have not withdrawn (a minor waiting for
# a parent's consent gets nothing from the programme yet).
RECIPIENT_STATES = (ParticipationState.QUESTIONNAIRE, ParticipationState.READY,
                    ParticipationState.PAIRED)
SETTLED = (OutboxState.SENT, OutboxState.FAILED, OutboxState.CANCELLED)


@dataclass(frozen=True)
class Recipient:
    user_id: int
    telegram_id: int
    unreachable: bool


def clean_text(text: str | None) -> str:
    """The announcement as safe HTML: the sender sends `text` payloads as they are."""
    text = (text or "").strip()
    if not text:
        raise DomainError("ann.error.empty")
    if len(text) > MAX_TEXT:
        raise DomainError("ann.error.long", max=MAX_TEXT, n=len(text))
    escaped = escape(text, quote=False)
    if len(escaped) > MAX_MESSAGE:  # "&" and "<" grow when escaped
        raise DomainError("ann.error.long", max=MAX_TEXT, n=len(text))
    return escaped


async def recipients(session: AsyncSession, programme_id: int, audience: str) -> list[Recipient]:
    if audience not in AUDIENCES:
        raise DomainError("access.denied")
    query = (select(User.id, User.telegram_id, User.unreachable)
             .join(Participation, Participation.user_id == User.id)
             .where(Participation.programme_id == programme_id,
                    Participation.state.in_(RECIPIENT_STATES))
             .distinct().order_by(User.id))
    if audience != "all":
        query = query.where(Participation.role == audience)
    return [Recipient(uid, tid, bool(unreachable))
            for uid, tid, unreachable in await session.execute(query)]


def dedupe_prefix(announcement_id: int) -> str:
    return f"announcement:{announcement_id}:"


async def send(session: AsyncSession, *, programme_id: int, author_user_id: int, audience: str,
               text: str, now: datetime) -> Announcement:
    """Store the announcement and queue one message per reachable recipient."""
    people = await recipients(session, programme_id, audience)
    announcement = Announcement(programme_id=programme_id, author_user_id=author_user_id,
                                audience=audience, text=text, created_at=now)
    session.add(announcement)
    await session.flush()
    queued = skipped = 0
    for person in people:
        if person.unreachable:
            skipped += 1
            continue
        queued += await outbox.enqueue(
            session, chat_id=person.telegram_id, user_id=person.user_id, kind="announcement",
            due_at=now, text=text,
            dedupe_key=f"{dedupe_prefix(announcement.id)}user:{person.user_id}", now=now,
            about=outbox.NOBODY)  # the organisation's message, not a person's data
    announcement.recipients, announcement.skipped_unreachable = queued, skipped
    return announcement


@dataclass(frozen=True)
class Delivery:
    sent: int
    unreachable: int
    pending: int


async def delivery(session: AsyncSession, announcement: Announcement) -> Delivery:
    counts = dict((await session.execute(
        select(OutboxMessage.state, func.count())
        .where(OutboxMessage.dedupe_key.like(dedupe_prefix(announcement.id) + "user:%"))
        .group_by(OutboxMessage.state))).all())
    sent = counts.get(OutboxState.SENT, 0)
    failed = counts.get(OutboxState.FAILED, 0) + counts.get(OutboxState.CANCELLED, 0)
    pending = sum(n for state, n in counts.items() if state not in SETTLED)
    return Delivery(sent, failed + announcement.skipped_unreachable, pending)


async def queue_summaries(session: AsyncSession, now: datetime) -> int:
    """For each announcement whose messages are all settled, tell its author how it went."""
    open_ones = list(await session.scalars(
        select(Announcement).where(Announcement.summary_at.is_(None)).order_by(Announcement.id)))
    queued = 0
    for announcement in open_ones:
        result = await delivery(session, announcement)
        if result.pending:
            continue
        announcement.summary_at = now
        author = (await session.get(User, announcement.author_user_id)
                  if announcement.author_user_id else None)
        if author is None or author.unreachable:
            continue
        queued += await outbox.enqueue(
            session, chat_id=author.telegram_id, user_id=author.id, kind="announcement",
            due_at=now, text_key="ann.summary",
            params={"sent": result.sent, "unreachable": result.unreachable},
            dedupe_key=f"{dedupe_prefix(announcement.id)}summary", now=now,
            about=outbox.NOBODY)
    return queued
