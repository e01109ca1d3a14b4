"""The cadence watch: every hour, nudge mentors whose pairs near the cadence limit.

Registered at import (handlers.meetings.router imports this module); runs on the leader only."""

from __future__ import annotations

import logging

from apscheduler.triggers.interval import IntervalTrigger

from bot.services.meetings import cadence as meetings_status
from scheduler.jobs import JobContext, register_periodic

logger = logging.getLogger("mentorbot.meetings")
JOB_ID = "meetings_cadence"


async def cadence_job(ctx: JobContext) -> int:
    async with ctx.sessionmaker() as session, session.begin():
        sent = await meetings_status.nudge_mentors(session, ctx.clock.now())
    if sent:
        logger.info("cadence: %s nudge(s) queued", sent)
        ctx.wake_sender()
    return sent


register_periodic(JOB_ID, cadence_job, IntervalTrigger(hours=1))
