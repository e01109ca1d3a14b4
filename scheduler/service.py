"""The scheduler of one bot process: leader election, the outbox tick, periodic jobs.

APScheduler only *triggers* periodic work (memory job store, never shared); what is due lives
in the database, so a restart after any downtime sends what came due exactly once."""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Callable
from typing import Any

from aiogram import Bot, Dispatcher
from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.sender import OutboxSender
from bot.i18n import Translator
from scheduler.jobs import JobContext, JobFunc, JobRegistry
from scheduler.leader import LeaderLock, leader_lock_for
from scheduler.registry import default_registry

logger = logging.getLogger("mentorbot.scheduler")
# APScheduler logs every run of every job at INFO: a tick each few seconds would drown the log.
logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
logging.getLogger("apscheduler.scheduler").setLevel(logging.WARNING)

TICK_JOB_ID = "outbox_tick"
ELECTION_JOB_ID = "leader_election"
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 30}


class DeliveryScheduler:
    def __init__(
        self,
        settings: Settings,
        sessionmaker: async_sessionmaker[AsyncSession],
        translator: Translator,
        *,
        clock: Clock | None = None,
        registry: JobRegistry | None = None,
        lock: LeaderLock | None = None,
        election_seconds: float = 3.0,
        sender_factory: Callable[[Bot], OutboxSender] | None = None,
    ) -> None:
        self.settings = settings
        self.sessionmaker = sessionmaker
        self.translator = translator
        self.clock = clock or Clock()
        self.registry = registry if registry is not None else default_registry()
        self.lock = lock or leader_lock_for(settings.database_url)
        self.election_seconds = election_seconds
        self.sender_factory = sender_factory
        self.scheduler: AsyncIOScheduler | None = None
        self.sender: OutboxSender | None = None
        self.bot: Bot | None = None
        self._is_leader = False
        self._send_task: asyncio.Task[Any] | None = None
        self._wake_again = False
        # Elections and stopping take turns: an election already triggered when stop() begins
        # (APScheduler's shutdown does not cancel a job it has just started) once re-acquired
        # the leader lock after stop() released it, leaving a sender running and the lock held
        # by a closed bot.
        self._election = asyncio.Lock()
        self._stopping = False

    @property
    def is_leader(self) -> bool:
        return self._is_leader

    @property
    def sending(self) -> bool:
        """Whether the sender loop is running now."""
        return self._send_task is not None and not self._send_task.done()

    @property
    def running(self) -> bool:
        return self.scheduler is not None and self.scheduler.running

    async def start(self, bot: Bot) -> None:
        self.bot = bot
        self._stopping = False
        self.sender = (self.sender_factory(bot) if self.sender_factory else
                       OutboxSender.from_settings(self.settings, bot, self.sessionmaker,
                                                  self.translator, clock=self.clock))
        scheduler = AsyncIOScheduler(
            jobstores={"default": MemoryJobStore()},
            executors={"default": AsyncIOExecutor()},
            job_defaults=JOB_DEFAULTS,
            timezone="UTC",
        )
        scheduler.add_job(self._elect, IntervalTrigger(seconds=self.election_seconds),
                          id=ELECTION_JOB_ID, replace_existing=True,
                          next_run_time=self.clock.now())
        scheduler.add_job(self.tick, IntervalTrigger(seconds=self.settings.outbox_tick_seconds),
                          id=TICK_JOB_ID, replace_existing=True)
        context = JobContext(self.settings, self.sessionmaker, self.translator, self.clock, bot,
                             self.wake)
        for job in self.registry.jobs():
            scheduler.add_job(self._leader_only(job.func, context), job.trigger, id=job.job_id,
                              name=job.job_id, replace_existing=True, **job.options)
        scheduler.start()
        self.scheduler = scheduler
        logger.info("scheduler started with jobs: %s",
                    ", ".join(j.id for j in scheduler.get_jobs()))

    async def stop(self, grace: float = 10.0) -> None:
        self._stopping = True  # an election triggered from here on does nothing
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.scheduler = None
        async with self._election:  # one in progress finishes first
            was_leader, self._is_leader = self._is_leader, False  # no new sender runs from here
            await self._stop_sending(grace)
            if was_leader:
                await self.lock.release()

    async def _stop_sending(self, grace: float) -> None:
        task = self._send_task
        if task is None or task.done():
            return
        if self.sender is not None:
            self.sender.stop()
        try:
            await asyncio.wait_for(asyncio.shield(task), grace)
        except TimeoutError:
            task.cancel()  # the rows in flight are recovered by the next leader
            await asyncio.gather(task, return_exceptions=True)

    # -- leadership ---------------------------------------------------------------------------

    async def _elect(self) -> None:
        async with self._election:
            if not self._stopping:
                await self._elect_once()

    async def _elect_once(self) -> None:
        if self._is_leader:
            if not await self.lock.still_held():
                logger.error("scheduler: leadership lost; sending stops")
                self._is_leader = False
                await self._stop_sending(10.0)
            return
        if await self.lock.try_acquire():
            assert self.sender is not None
            recovered = await self.sender.store.recover_in_flight()
            self._is_leader = True
            logger.info("scheduler: this instance leads (%s interrupted message(s) requeued)",
                        recovered)
            self.wake()

    def _leader_only(self, func: JobFunc, context: JobContext) -> Callable[[], Any]:
        async def run() -> None:
            if self._is_leader:
                await func(context)
        run.__name__ = getattr(func, "__name__", "job")
        return run

    # -- sending ------------------------------------------------------------------------------

    def wake(self) -> None:
        """Run the sender now (or right after the current run) instead of at the next tick."""
        self._wake_again = True
        if self._is_leader and (self._send_task is None or self._send_task.done()):
            self._send_task = self._start_sending()

    async def tick(self) -> None:
        """The periodic job: start the sender loop unless it is already running."""
        if self._is_leader and (self._send_task is None or self._send_task.done()):
            self._wake_again = True
            self._send_task = self._start_sending()

    def _start_sending(self) -> asyncio.Task[Any]:
        # In a context of its own: woken by an update's commit, the loop would otherwise share
        # that update's write turn (bot/db.py) and could take SQLite's writer lock on its
        # behalf after the update ended, never to give it back (every later write then hung).
        return asyncio.get_running_loop().create_task(self._send_loop(),
                                                      context=contextvars.Context())

    async def _send_loop(self) -> None:
        assert self.sender is not None
        while self._wake_again and self._is_leader:
            self._wake_again = False
            try:
                await self.sender.run_until_idle()
            except Exception:
                logger.exception("outbox: sender run failed; next tick retries")
                return


def install_scheduler(dp: Dispatcher, settings: Settings,
                      sessionmaker: async_sessionmaker[AsyncSession], translator: Translator,
                      **options: Any) -> DeliveryScheduler:
    """Start the scheduler with the dispatcher and stop it with it; `dp["scheduler"]` holds it."""
    service = DeliveryScheduler(settings, sessionmaker, translator, **options)

    async def on_startup(bot: Bot) -> None:
        await service.start(bot)

    async def on_shutdown() -> None:
        await service.stop()

    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    dp["scheduler"] = service
    return service
