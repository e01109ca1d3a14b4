"""The midterm control: every hour, programmes whose midterm date has come get the survey sent
to every paired participant once (the outbox dedupe key makes reruns harmless).

Registered at import (handlers.lifecycle imports this module); runs on the leader only."""

from __future__ import annotations

import logging

from apscheduler.triggers.interval import IntervalTrigger

from bot.services import lifecycle
from scheduler.jobs import JobContext, register_periodic

logger = logging.getLogger("mentorbot.lifecycle")
JOB_ID = "lifecycle_surveys"


async def lifecycle_job(ctx: JobContext) -> int:
    async with ctx.sessionmaker() as session, session.begin():
        sent = await lifecycle.midterm_due(session, ctx.clock.now())
    if sent:
        logger.info("lifecycle: %s midterm prompt(s) queued", sent)
        ctx.wake_sender()
    return sent


register_periodic(JOB_ID, lifecycle_job, IntervalTrigger(hours=1))
