"""The curator's periodic work: the weekly digest (checked every 5 minutes, queued once per
programme and ISO week thanks to the outbox's dedupe key, so restarts neither skip nor repeat
it) and the delivery summaries of announcements (every minute)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger

from bot.delivery.render import register_generator
from bot.services.notices import announcements, digest
from bot.services.notices.digest_chart import render_chart, series_from_args
from scheduler.jobs import JobContext, register_periodic

logger = logging.getLogger("mentorbot.digest")

DIGEST_JOB_ID = "curator_digest"
SUMMARY_JOB_ID = "announcement_summaries"


async def digest_job(ctx: JobContext) -> int:
    async with ctx.sessionmaker() as session, session.begin():
        queued = await digest.queue_due_digests(session, ctx.translator, ctx.clock.now(),
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


async def chart_generator(args: Mapping[str, Any], locale: str) -> tuple[str, bytes]:
    png = render_chart(series_from_args(args), meetings_label=str(args.get("meetings_label", "")),
                       score_label=str(args.get("score_label", "")))
    return "digest.png", png


register_generator(digest.CHART_GENERATOR, chart_generator)
register_periodic(DIGEST_JOB_ID, digest_job, IntervalTrigger(minutes=5))
register_periodic(SUMMARY_JOB_ID, summary_job, IntervalTrigger(minutes=1))
