"""The hourly job that writes due roadmap reminders into the outbox (see
bot/services/roadmap/schedule.py); listed in scheduler/registry.py."""

from __future__ import annotations

from bot.services.roadmap.schedule import schedule_due
from scheduler.jobs import JobContext

JOB_ID = "roadmap_reminders"


async def roadmap_reminders(ctx: JobContext) -> int:
    async with ctx.sessionmaker() as session, session.begin():
        written = await schedule_due(session, ctx.clock.now())
    if written:
        ctx.wake_sender()
    return written
