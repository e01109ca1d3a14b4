"""Every periodic job of the bot, listed once: what the clock starts is read here, not
gathered from modules that happen to be imported. Tests build their own JobRegistry."""

from __future__ import annotations

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scheduler import curator_jobs, housekeeping, lifecycle_jobs, meetings_jobs, roadmap_job
from scheduler.jobs import JobRegistry, PeriodicJob

JOBS: tuple[PeriodicJob, ...] = (
    # The curator's weekly digest: checked at the start of every minute (the chosen minute is
    # when it goes, not up to 5 minutes late), queued once per programme and week.
    PeriodicJob(curator_jobs.DIGEST_JOB_ID, curator_jobs.digest_job, CronTrigger(second=0)),
    # The regional coordinators' weekly digest, and the regions' figures kept fresh for /region.
    PeriodicJob(curator_jobs.REGION_DIGEST_JOB_ID, curator_jobs.region_digest_job,
                IntervalTrigger(minutes=5)),
    PeriodicJob(curator_jobs.REGION_SNAPSHOT_JOB_ID, curator_jobs.region_snapshot_job,
                IntervalTrigger(minutes=1)),
    PeriodicJob(curator_jobs.SUMMARY_JOB_ID, curator_jobs.summary_job,
                IntervalTrigger(minutes=1)),
    PeriodicJob(meetings_jobs.JOB_ID, meetings_jobs.cadence_job, IntervalTrigger(hours=1)),
    PeriodicJob(lifecycle_jobs.JOB_ID, lifecycle_jobs.lifecycle_job, IntervalTrigger(hours=1)),
    PeriodicJob(roadmap_job.JOB_ID, roadmap_job.roadmap_reminders, IntervalTrigger(hours=1)),
    PeriodicJob(housekeeping.FORGET_UPDATES_JOB_ID, housekeeping.forget_processed_updates,
                IntervalTrigger(hours=6)),
    # The pair's channel keeps relayed content at most channel_keep_days.
    PeriodicJob(housekeeping.CHANNEL_RETENTION_JOB_ID, housekeeping.channel_retention,
                IntervalTrigger(hours=1)),
)


def default_registry() -> JobRegistry:
    """A registry holding every job of JOBS (a fresh one: a test may change its copy)."""
    registry = JobRegistry()
    for job in JOBS:
        if job.job_id in {j.job_id for j in registry.jobs()}:
            raise ValueError(f"job {job.job_id!r} listed twice")
        registry.register(job.job_id, job.func, job.trigger, **job.options)
    return registry
