"""The sender's database operations on the outbox: claim, and record each outcome.

Each outcome is committed on its own right after the request returns, so a crash loses at most
the outcome of the requests in flight (those rows are claimed again after the lease)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.notices.outbox import EXPIRED, UNREACHABLE
from models import OutboxMessage, OutboxState, User

S = OutboxState


@dataclass
class ClaimedMessage:
    """A claimed row as plain values, with what is known about its recipient."""

    id: int
    chat_id: int
    user_id: int | None
    kind: str
    payload: dict[str, Any]
    locale: str | None
    due_at: datetime
    next_attempt_at: datetime
    expires_at: datetime | None
    attempts: int
    user_locale: str | None = None
    user_timezone: str | None = None
    unreachable: bool = False


class OutboxStore:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker

    async def claim(self, now: datetime, limit: int, lease_seconds: float
                    ) -> list[ClaimedMessage]:
        """Atomically take up to `limit` due rows and mark them sending.

        PostgreSQL: the inner SELECT locks with FOR UPDATE SKIP LOCKED, so concurrent claimers
        get disjoint rows. SQLite ignores the locking clause; its single writer makes the one
        UPDATE ... RETURNING atomic."""
        stale = now - timedelta(seconds=lease_seconds)
        due = (
            select(OutboxMessage.id)
            .where(or_(
                (OutboxMessage.state == S.PENDING) & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.state == S.SENDING) & (OutboxMessage.claimed_at < stale),
            ))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        statement = (
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(due.scalar_subquery()))
            .values(state=S.SENDING, claimed_at=now)
            .returning(OutboxMessage)
            .execution_options(synchronize_session=False)
        )
        async with self.sessionmaker() as session, session.begin():
            rows = list((await session.execute(statement)).scalars())
            claimed = [
                ClaimedMessage(r.id, r.chat_id, r.user_id, r.kind, r.payload, r.locale, r.due_at,
                               r.next_attempt_at, r.expires_at, r.attempts)
                for r in rows
            ]
            await self._attach_users(session, claimed)
        claimed.sort(key=lambda m: (m.next_attempt_at, m.id))
        return claimed

    @staticmethod
    async def _attach_users(session: AsyncSession, claimed: list[ClaimedMessage]) -> None:
        # The language and timezone are read now, at send time: nothing was pre-rendered.
        if not claimed:
            return
        user_ids = {m.user_id for m in claimed if m.user_id is not None}
        chat_ids = {m.chat_id for m in claimed if m.user_id is None and m.chat_id > 0}
        users = list(await session.scalars(select(User).where(
            or_(User.id.in_(user_ids), User.telegram_id.in_(chat_ids)))))
        by_id = {u.id: u for u in users}
        by_telegram = {u.telegram_id: u for u in users}
        for message in claimed:
            user = by_id.get(message.user_id) if message.user_id else by_telegram.get(
                message.chat_id)
            if user is None and message.chat_id > 0:
                user = by_telegram.get(message.chat_id)
            if user is not None:
                message.user_locale = user.locale
                message.user_timezone = user.timezone
                message.unreachable = bool(user.unreachable)

    async def _update(self, ids: Iterable[int], **values: object) -> int:
        ids = list(ids)
        if not ids:
            return 0
        async with self.sessionmaker() as session, session.begin():
            result = await session.execute(
                update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(**values)
                .execution_options(synchronize_session=False))
            return result.rowcount

    async def mark_sent(self, message_id: int, telegram_message_id: int | None,
                        now: datetime) -> None:
        await self._update([message_id], state=S.SENT, sent_at=now, last_error=None,
                           telegram_message_id=telegram_message_id,
                           attempts=OutboxMessage.attempts + 1)

    async def reschedule(self, message_id: int, when: datetime, error: str,
                         count_attempt: bool = True) -> None:
        values: dict[str, object] = {"state": S.PENDING, "next_attempt_at": when,
                                     "last_error": error[:1000], "claimed_at": None}
        if count_attempt:
            values["attempts"] = OutboxMessage.attempts + 1
        await self._update([message_id], **values)

    async def release(self, message_ids: Iterable[int], when: datetime) -> None:
        """Give claimed, unattempted rows back (held behind an earlier row of the same chat)."""
        await self._update(message_ids, state=S.PENDING, next_attempt_at=when, claimed_at=None)

    async def fail(self, message_id: int, error: str, count_attempt: bool = True) -> None:
        values: dict[str, object] = {"state": S.FAILED, "last_error": error[:1000]}
        if count_attempt:
            values["attempts"] = OutboxMessage.attempts + 1
        await self._update([message_id], **values)

    async def cancel_claimed(self, message_ids: Iterable[int], reason: str) -> int:
        return await self._update(message_ids, state=S.CANCELLED, last_error=reason)

    async def move_chat(self, message_id: int, new_chat_id: int) -> None:
        await self._update([message_id], chat_id=new_chat_id)

    async def mark_unreachable(self, chat_id: int, user_id: int | None, now: datetime) -> int:
        """The recipient blocked the bot or is gone: flag the account and drop its queue."""
        async with self.sessionmaker() as session, session.begin():
            condition = User.telegram_id == chat_id
            if user_id is not None:
                condition = or_(condition, User.id == user_id)
            await session.execute(
                update(User).where(condition, User.unreachable.is_(False))
                .values(unreachable=True, unreachable_since=now)
                .execution_options(synchronize_session=False))
            result = await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.chat_id == chat_id, OutboxMessage.state == S.PENDING)
                .values(state=S.CANCELLED, last_error=UNREACHABLE)
                .execution_options(synchronize_session=False))
            return result.rowcount

    async def expire(self, now: datetime) -> int:
        """Pending rows whose moment passed are dropped, not sent late."""
        async with self.sessionmaker() as session, session.begin():
            result = await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.state == S.PENDING, OutboxMessage.expires_at.is_not(None),
                       OutboxMessage.expires_at <= now)
                .values(state=S.CANCELLED, last_error=EXPIRED)
                .execution_options(synchronize_session=False))
            return result.rowcount

    async def recover_in_flight(self) -> int:
        """Only for the leader, the one sender per database: rows another (dead) process left
        in "sending" go back to pending at once rather than after the lease."""
        async with self.sessionmaker() as session, session.begin():
            result = await session.execute(
                update(OutboxMessage).where(OutboxMessage.state == S.SENDING)
                .values(state=S.PENDING, claimed_at=None)
                .execution_options(synchronize_session=False))
            return result.rowcount

    async def has_due(self, now: datetime, lease_seconds: float) -> bool:
        stale = now - timedelta(seconds=lease_seconds)
        async with self.sessionmaker() as session:
            found = await session.scalar(select(OutboxMessage.id).where(or_(
                (OutboxMessage.state == S.PENDING) & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.state == S.SENDING) & (OutboxMessage.claimed_at < stale),
            )).limit(1))
            return found is not None
