"""Who hears about what: the chats a programme's curators read, and notices to them or to a
participant, always through the outbox."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.notices import outbox
from models import Curator, Programme, User
from models.base import utcnow


async def curator_accounts(session: AsyncSession, programme_id: int) -> list[tuple[int, int]]:
    """(user id, Telegram id) of every reachable curator of the programme's organisation: for
    what each curator decides personally."""
    programme = await session.get(Programme, programme_id)
    if programme is None:
        return []
    rows = await session.execute(
        select(User.id, User.telegram_id).join(Curator, Curator.user_id == User.id)
        .where(Curator.organisation_id == programme.organisation_id, User.unreachable.is_(False))
        .order_by(Curator.id))
    return [(user_id, telegram_id) for user_id, telegram_id in rows]


async def curator_recipients(session: AsyncSession, programme_id: int
                             ) -> list[tuple[int, int | None]]:
    """(chat id, user id or None for a group): the bound curator chat, else each curator's
    private chat."""
    programme = await session.get(Programme, programme_id)
    if programme is None:
        return []
    if programme.curator_chat_id is not None:
        return [(programme.curator_chat_id, None)]
    return [(chat, user_id) for user_id, chat in await curator_accounts(session, programme_id)]


async def curator_chat_ids(session: AsyncSession, programme_id: int) -> list[int]:
    return [chat for chat, _ in await curator_recipients(session, programme_id)]


async def notify_curators(session: AsyncSession, programme_id: int, *, kind: str, text_key: str,
                          dedupe_key: str, about: outbox.About,
                          params: Mapping[str, object] | None = None,
                          buttons: Sequence[Sequence[Mapping[str, Any]]] | None = None,
                          now: datetime | None = None) -> int:
    """One message per curator chat, due now; returns how many were queued."""
    now = now or utcnow()
    queued = 0
    for chat_id in await curator_chat_ids(session, programme_id):
        queued += await outbox.enqueue(
            session, chat_id=chat_id, kind=kind, due_at=now, text_key=text_key, params=params,
            buttons=buttons, dedupe_key=f"{dedupe_key}:chat:{chat_id}", now=now, about=about)
    return queued


async def notify_user(session: AsyncSession, user: User, *, kind: str, text_key: str,
                      dedupe_key: str, about: outbox.About,
                      params: Mapping[str, object] | None = None,
                      buttons: Sequence[Sequence[Mapping[str, Any]]] | None = None,
                      now: datetime | None = None) -> bool:
    now = now or utcnow()
    return await outbox.enqueue(
        session, chat_id=user.telegram_id, user_id=user.id, kind=kind, due_at=now,
        text_key=text_key, params=params, buttons=buttons, dedupe_key=dedupe_key, now=now,
        about=about)
