"""The curator's periodic work: the weekly digest (checked every 5 minutes, queued once per
programme and ISO week thanks to the outbox's dedupe key, so restarts neither skip nor repeat
it) and the delivery summaries of announcements (every minute); the same for the regional
coordinators' digest (docs/region.md), and the regions' figures counted afresh every few minutes
so /region reads a snapshot."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger

from bot.callbacks.region import list_button_data
from bot.delivery.render import register_generator
from bot.i18n import create_translator
from bot.services.notices import announcements, digest
from bot.services.notices.digest_chart import render_chart, series_from_args
from bot.services.region import chart as region_chart
from bot.services.region import digest as region_digest
from bot.services.region import snapshot as region_snapshot
from scheduler.jobs import JobContext, register_periodic

logger = logging.getLogger("mentorbot.digest")

DIGEST_JOB_ID = "curator_digest"
REGION_DIGEST_JOB_ID = "region_digest"
REGION_SNAPSHOT_JOB_ID = "region_snapshots"
SUMMARY_JOB_ID = "announcement_summaries"


async def digest_job(ctx: JobContext) -> int:
    async with ctx.sessionmaker() as session, session.begin():
        queued = await digest.queue_due_digests(session, ctx.translator, ctx.clock.now(),
                                                ctx.settings.default_locale)
    if queued:
        logger.info("digest: %s message(s) queued", queued)
        ctx.wake_sender()
    return queued


async def region_digest_job(ctx: JobContext) -> int:
    """The regional coordinators' weekly digests (checked every 5 minutes like the curators')."""
    async with ctx.sessionmaker() as session, session.begin():
        queued = await region_digest.queue_due_digests(session, ctx.clock.now(),
                                                       list_button_data)
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


async def chart_generator(args: Mapping[str, Any], locale: str) -> tuple[str, bytes]:
    png = render_chart(series_from_args(args), meetings_label=str(args.get("meetings_label", "")),
                       score_label=str(args.get("score_label", "")))
    return "digest.png", png


async def region_chart_generator(args: Mapping[str, Any], locale: str) -> tuple[str, bytes]:
    """The regional chart, its labels in the recipient's language (rendered at send time)."""
    t = create_translator()

    def label(key: str) -> str:
        return t.plain(f"region.chart.{key}", locale)

    png = region_chart.render_chart(
        args, meetings_label=label("meetings"), weeks_title=label("weeks_title"),
        orgs_title=label("orgs_title"), share_label=label("share"),
        per_week_label=label("per_week"))
    return "region.png", png


register_generator(digest.CHART_GENERATOR, chart_generator)
register_generator(region_digest.CHART_GENERATOR, region_chart_generator)
register_periodic(DIGEST_JOB_ID, digest_job, IntervalTrigger(minutes=5))
register_periodic(REGION_DIGEST_JOB_ID, region_digest_job, IntervalTrigger(minutes=5))
register_periodic(REGION_SNAPSHOT_JOB_ID, region_snapshot_job, IntervalTrigger(minutes=1))
register_periodic(SUMMARY_JOB_ID, summary_job, IntervalTrigger(minutes=1))
