"""«Remind the curator» from the coordinator's list: one message to each of the organisation's
curators, at most once a day per organisation (whichever coordinator presses), naming why the
region asks (the organisation's attention flags), never a participant."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import DomainError
from bot.services.notices import outbox
from bot.services.region import access, snapshot
from models import Curator, OutboxMessage, User

KEY_PREFIX = "region_nudge"
EXPIRES = timedelta(days=2)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def nudge_curators(session: AsyncSession, user_id: int, region_id: int,
                         organisation_id: int, now: datetime) -> int:
    """Queue the reminder to the organisation's reachable curators; the number queued (0: it
    was already sent today). DomainError when the organisation has no curator to write to."""
    view = await access.require_member(session, user_id, region_id, organisation_id)
    day = now.astimezone(ZoneInfo(view.timezone)).date().isoformat()
    prefix = f"{KEY_PREFIX}:{organisation_id}:{day}:"
    already = await session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.dedupe_key.like(_escape_like(prefix) + "%", escape="\\")).limit(1))
    if already is not None:
        return 0
    curators = (await session.execute(
        select(User.id, User.telegram_id).join(Curator, Curator.user_id == User.id)
        .where(Curator.organisation_id == organisation_id, User.unreachable.is_(False))
        .order_by(Curator.id))).all()
    if not curators:
        raise DomainError("region.nudge.no_curator")
    figures = await snapshot.current(session, region_id, now)
    org = figures.organisation(organisation_id)
    reasons = org.flags if org else ()
    params: dict[str, object] = {"region": view.region, "organisation": org.name if org else ""}
    params.update({f"r{i}": {"$t": f"region.reason.{flag}"}
                   for i, flag in enumerate(reasons, start=1)})
    queued = 0
    for curator_user, telegram_id in curators:
        queued += await outbox.enqueue(
            session, chat_id=telegram_id, user_id=curator_user, kind="announcement", due_at=now,
            dedupe_key=f"{prefix}chat:{telegram_id}", text_key=f"region.nudge.text.{len(reasons)}",
            params=params, expires_at=now + EXPIRES, now=now, about=outbox.NOBODY)
    return queued
