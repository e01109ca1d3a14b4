"""Scheduler wiring and periodic jobs (outbox tick, digests, reminders)."""

# Features' periodic jobs register themselves on import.
from scheduler import (
           curator_jobs,  # noqa: F401
           housekeeping,  # noqa: F401  (registers its periodic jobs)
)
from scheduler.jobs import JobContext, JobRegistry, register_periodic
from scheduler.service import DeliveryScheduler, install_scheduler

__all__ = ["DeliveryScheduler", "JobContext", "JobRegistry", "install_scheduler",
           "register_periodic"]
