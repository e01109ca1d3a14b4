"""Scheduler wiring and periodic jobs (outbox tick, digests, reminders); every job is listed in
scheduler/registry.py."""

from scheduler.jobs import JobContext, JobRegistry
from scheduler.service import DeliveryScheduler, install_scheduler

__all__ = ["DeliveryScheduler", "JobContext", "JobRegistry", "install_scheduler"]
