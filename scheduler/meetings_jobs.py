"""The cadence watch: every hour, nudge mentors whose pairs near the cadence limit.

Listed in scheduler/registry.py; runs on the leader only."""

from __future__ import annotations

import logging

from bot.services.meetings import cadence as meetings_status
from scheduler.jobs import JobContext

logger = logging.getLogger("mentorbot.meetings")
JOB_ID = "meetings_cadence"


async def cadence_job(ctx: JobContext) -> int:
    async with ctx.sessionmaker() as session, session.begin():
        sent = await meetings_status.nudge_mentors(session, ctx.clock.now())
    if sent:
        logger.info("cadence: %s nudge(s) queued", sent)
        ctx.wake_sender()
    return sent
