"""Scheduler wiring and periodic jobs (outbox tick, digests, reminders)."""
