"""The hourly job that writes due roadmap reminders into the outbox (see
bot/services/roadmap/schedule.py); registered when the roadmap handlers are imported."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger

from bot.services.roadmap.schedule import schedule_due
from scheduler.jobs import JobContext, register_periodic

JOB_ID = "roadmap_reminders"


async def roadmap_reminders(ctx: JobContext) -> int:
    async with ctx.sessionmaker() as session, session.begin():
        written = await schedule_due(session, ctx.clock.now())
    if written:
        ctx.wake_sender()
    return written


register_periodic(JOB_ID, roadmap_reminders, IntervalTrigger(hours=1))
