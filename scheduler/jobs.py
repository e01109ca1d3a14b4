"""Periodic jobs and the registry that holds them: scheduler/registry.py lists every job of
the bot once, and `install_scheduler` adds them all with fixed ids.

A periodic job reads due work from the database and writes outbox rows; it never calls
Telegram. It runs only on the leading instance."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from apscheduler.triggers.base import BaseTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Translator


@dataclass(frozen=True)
class JobContext:
    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    translator: Translator
    clock: Clock
    bot: Bot
    # Call after writing rows that are due now, so the sender runs without waiting a tick.
    wake_sender: Callable[[], None]


JobFunc = Callable[[JobContext], Awaitable[Any]]


@dataclass(frozen=True)
class PeriodicJob:
    job_id: str
    func: JobFunc
    trigger: BaseTrigger
    options: dict[str, Any] = field(default_factory=dict)


class JobRegistry:
    def __init__(self) -> None:
        self._jobs: dict[str, PeriodicJob] = {}

    def register(self, job_id: str, func: JobFunc, trigger: BaseTrigger,
                 **options: Any) -> PeriodicJob:
        """Register (or replace) a job; `options` go to add_job (misfire_grace_time, ...)."""
        job = PeriodicJob(job_id, func, trigger, options)
        self._jobs[job_id] = job
        return job

    def unregister(self, job_id: str) -> None:
        self._jobs.pop(job_id, None)

    def jobs(self) -> list[PeriodicJob]:
        return list(self._jobs.values())
