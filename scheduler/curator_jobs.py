"""The curator's periodic work: the weekly digest (checked at the start of every minute, so it
goes at the chosen minute; queued once per programme and ISO week thanks to the outbox's dedupe
key, so restarts neither skip nor repeat it; a moment before the chat was bound or the time
changed is not caught up, bot/services/notices/digest.py) and the delivery summaries of announcements (every minute); the same for the regional
coordinators' digest (docs/region.md), and the regions' figures counted afresh every few minutes
so /region reads a snapshot."""

from __future__ import annotations

import logging

from bot.services.notices import announcements, digest
from bot.services.region import digest as region_digest
from bot.services.region import snapshot as region_snapshot
from scheduler.jobs import JobContext

logger = logging.getLogger("mentorbot.digest")

DIGEST_JOB_ID = "curator_digest"
REGION_DIGEST_JOB_ID = "region_digest"
REGION_SNAPSHOT_JOB_ID = "region_snapshots"
SUMMARY_JOB_ID = "announcement_summaries"


async def digest_job(ctx: JobContext) -> int:
    async with ctx.sessionmaker() as session, session.begin():
        queued = await digest.queue_due_digests(session, ctx.clock.now(),
                                                ctx.settings.default_locale)
    if queued:
        logger.info("digest: %s message(s) queued", queued)
        ctx.wake_sender()
    return queued


async def region_digest_job(ctx: JobContext) -> int:
    """The regional coordinators' weekly digests (checked every 5 minutes like the curators')."""
    async with ctx.sessionmaker() as session, session.begin():
        queued = await region_digest.queue_due_digests(session, ctx.clock.now())
    if queued:
        logger.info("region digest: %s message(s) queued", queued)
        ctx.wake_sender()
    return queued


async def region_snapshot_job(ctx: JobContext) -> int:
    """Every region's figures counted afresh when older than snapshot.REFRESH_EVERY, so /region
    reads them instead of counting on each tap."""
    async with ctx.sessionmaker() as session, session.begin():
        return await region_snapshot.refresh_all(session, ctx.clock.now())


async def summary_job(ctx: JobContext) -> int:
    async with ctx.sessionmaker() as session, session.begin():
        queued = await announcements.queue_summaries(session, ctx.clock.now())
    if queued:
        ctx.wake_sender()
    return queued

