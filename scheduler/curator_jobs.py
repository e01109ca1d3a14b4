"""The curator's periodic work: the weekly digest (checked every 5 minutes, queued once per
programme and ISO week thanks to the outbox's dedupe key, so restarts neither skip nor repeat
it) and the delivery summaries of announcements (every minute)."""

from __future__ import annotations

import logging

from bot.services.notices import announcements, digest
from scheduler.jobs import JobContext

logger = logging.getLogger("mentorbot.digest")

DIGEST_JOB_ID = "curator_digest"
SUMMARY_JOB_ID = "announcement_summaries"


async def digest_job(ctx: JobContext) -> int:
    async with ctx.sessionmaker() as session, session.begin():
        queued = await digest.queue_due_digests(session, ctx.clock.now(),
                                                ctx.settings.default_locale)
    if queued:
        logger.info("digest: %s message(s) queued", queued)
        ctx.wake_sender()
    return queued


async def summary_job(ctx: JobContext) -> int:
    async with ctx.sessionmaker() as session, session.begin():
        queued = await announcements.queue_summaries(session, ctx.clock.now())
    if queued:
        ctx.wake_sender()
    return queued

