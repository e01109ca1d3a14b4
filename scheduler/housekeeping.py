"""Housekeeping jobs: forgetting processed update ids once Telegram can no longer resend them."""

from __future__ import annotations

import logging

from apscheduler.triggers.interval import IntervalTrigger

from bot.runtime.processed_updates import forget_old
from scheduler.jobs import JobContext, register_periodic

logger = logging.getLogger("mentorbot.scheduler")

FORGET_UPDATES_JOB_ID = "forget_processed_updates"


async def forget_processed_updates(ctx: JobContext) -> int:
    async with ctx.sessionmaker() as session, session.begin():
        removed = await forget_old(session, ctx.clock.now())
    if removed:
        logger.info("housekeeping: forgot %s processed update id(s)", removed)
    return removed


register_periodic(FORGET_UPDATES_JOB_ID, forget_processed_updates, IntervalTrigger(hours=6))
