"""Housekeeping jobs: forgetting processed update ids once Telegram can no longer resend them."""

from __future__ import annotations

import logging

from bot.services.updates import forget_old
from scheduler.jobs import JobContext

logger = logging.getLogger("mentorbot.scheduler")

FORGET_UPDATES_JOB_ID = "forget_processed_updates"


async def forget_processed_updates(ctx: JobContext) -> int:
    async with ctx.sessionmaker() as session, session.begin():
        removed = await forget_old(session, ctx.clock.now())
    if removed:
        logger.info("housekeeping: forgot %s processed update id(s)", removed)
    return removed
