"""Housekeeping jobs: forgetting processed update ids once Telegram can no longer resend them;
erasing what the pair's channel relayed once its retention period is over."""

from __future__ import annotations

import logging

from bot.services.channel import relay as channel
from bot.services.updates import forget_old
from scheduler.jobs import JobContext

logger = logging.getLogger("mentorbot.scheduler")

FORGET_UPDATES_JOB_ID = "forget_processed_updates"
CHANNEL_RETENTION_JOB_ID = "channel_retention"


async def forget_processed_updates(ctx: JobContext) -> int:
    async with ctx.sessionmaker() as session, session.begin():
        removed = await forget_old(session, ctx.clock.now())
    if removed:
        logger.info("housekeeping: forgot %s processed update id(s)", removed)
    return removed


async def channel_retention(ctx: JobContext) -> int:
    """Relayed messages older than channel_keep_days lose their content (docs/pair-channel.md)."""
    async with ctx.sessionmaker() as session, session.begin():
        erased = await channel.erase_expired(session, ctx.clock.now(),
                                             ctx.settings.channel_keep_days)
    if erased:
        logger.info("housekeeping: erased %s relayed message(s) past retention", erased)
    return erased
