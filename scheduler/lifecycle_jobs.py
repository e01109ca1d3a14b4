"""The midterm control and the final surveys: every hour, programmes whose midterm date (or
final-surveys date, N days before the end) has come get the surveys sent to every paired
participant once (the outbox dedupe key makes reruns harmless).

Registered at import (handlers.lifecycle.router imports this module); runs on the leader only."""

from __future__ import annotations

import logging

from apscheduler.triggers.interval import IntervalTrigger

from bot.services.lifecycle import completion
from bot.services.lifecycle import monitoring_surveys as lifecycle
from scheduler.jobs import JobContext, register_periodic

logger = logging.getLogger("mentorbot.lifecycle")
JOB_ID = "lifecycle_surveys"


async def lifecycle_job(ctx: JobContext) -> int:
    async with ctx.sessionmaker() as session, session.begin():
        sent = await lifecycle.midterm_due(session, ctx.clock.now())
        final = await completion.final_due(session, ctx.clock.now())
    if sent or final:
        logger.info("lifecycle: %s midterm and %s final prompt(s) queued", sent, final)
        ctx.wake_sender()
    return sent + final


register_periodic(JOB_ID, lifecycle_job, IntervalTrigger(hours=1))
