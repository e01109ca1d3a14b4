"""The outbox sender: claims due rows, sends them within Telegram's limits, records outcomes.

Outcome per Telegram answer:
- 429: pause *all* sending for retry_after, then send the same message again (no attempt used);
- 403 (blocked, deactivated, kicked) and 400 "chat not found": the recipient is unreachable:
  flag the user, fail this row, cancel their other pending rows ("unreachable");
- other 400s and unrenderable payloads: fail the row with the error;
- 5xx, network errors, timeouts: retry with exponential backoff and jitter, up to
  max_attempts, then fail;
- 401/404 (revoked token, wrong API address): pause everything, keep the row, use no attempt.

Different chats are sent concurrently (bounded by a semaphore); messages to one chat go one
after another in due order, so their order and the per-chat limit hold."""

from __future__ import annotations

import asyncio
import logging
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from enum import Enum

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import BufferedInputFile, FSInputFile, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cancelling import raise_if_cancelling
from bot.clock import Clock
from bot.config import Settings
from bot.delivery.rate_limit import RateLimiter
from bot.delivery.render import Rendered, Renderer, RenderError
from bot.delivery.store import ClaimedMessage, OutboxStore
from bot.i18n import Translator
from bot.services.notices.outbox import EXPIRED, UNREACHABLE
from bot.telegram.budget import budget_of, bulk_sending
from bot.telegram.retry import raw_flood_control

logger = logging.getLogger("mentorbot.delivery")

BOT_WIDE_PAUSE_SECONDS = 60.0


class _Next(Enum):
    CONTINUE = "continue"  # go on with the chat's next message
    HOLD = "hold"  # this one was rescheduled: the chat's later messages wait behind it
    DROP_CHAT = "drop_chat"  # the chat is unreachable: cancel the chat's later messages


@dataclass
class DeliveryStats:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unreachable: int = 0
    expired: int = 0
    rate_limited: int = 0

    def add(self, other: DeliveryStats) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def _is_chat_gone(exc: TelegramBadRequest) -> bool:
    text = exc.message.lower()
    return "chat not found" in text or "user not found" in text or "peer_id_invalid" in text


class OutboxSender:
    def __init__(
        self,
        *,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        renderer: Renderer,
        clock: Clock | None = None,
        limiter: RateLimiter | None = None,
        max_attempts: int = 8,
        concurrency: int = 32,
        lease_seconds: float = 60.0,
        batch_size: int | None = None,
        backoff_base: float = 2.0,
        backoff_cap: float = 900.0,
        request_timeout: int = 30,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.bot = bot
        self.store = OutboxStore(sessionmaker)
        self.renderer = renderer
        self.clock = clock or Clock()
        self.limiter = limiter or RateLimiter()
        self.max_attempts = max_attempts
        self.concurrency = concurrency
        self.lease_seconds = lease_seconds
        # About five seconds of sending per claim: small enough that a batch finishes well
        # inside the lease, large enough that claiming costs little.
        self.batch_size = batch_size or max(
            concurrency, int(5 / self.limiter.global_interval))
        # Per chat in one batch, so a chat's pacing cannot make a batch outlive the lease.
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.request_timeout = request_timeout
        self.jitter = jitter
        self._stopping = False
        self._semaphore = asyncio.Semaphore(concurrency)

    @classmethod
    def from_settings(cls, settings: Settings, bot: Bot,
                      sessionmaker: async_sessionmaker[AsyncSession], translator: Translator,
                      clock: Clock | None = None, renderer: Renderer | None = None,
                      **overrides: object) -> OutboxSender:
        budget = budget_of(bot)
        limiter = RateLimiter(settings.outbox_global_per_second,
                              settings.outbox_private_per_second,
                              settings.outbox_group_per_minute,
                              shared_chat_wait=budget.chat_wait if budget else None)
        renderer = renderer or Renderer(translator, settings.default_locale,
                                        settings.default_timezone)
        options: dict[str, object] = {
            "max_attempts": settings.outbox_max_attempts,
            "concurrency": settings.outbox_concurrency,
            "lease_seconds": settings.outbox_lease_seconds,
        }
        options.update(overrides)
        return cls(bot=bot, sessionmaker=sessionmaker, renderer=renderer, clock=clock,
                   limiter=limiter, **options)  # type: ignore[arg-type]  # overrides of these options

    def stop(self) -> None:
        """Finish the requests in flight and give the rest of the batch back."""
        self._stopping = True

    async def expire_due(self) -> int:
        expired = await self.store.expire(self.clock.now())
        if expired:
            logger.info("outbox: %s expired message(s) dropped, not sent late", expired)
        return expired

    async def run_once(self) -> DeliveryStats:
        """Claim one batch of due rows and deliver it."""
        stats = DeliveryStats()
        batch = await self.store.claim(self.clock.now(), self.batch_size, self.lease_seconds)
        stats.claimed = len(batch)
        if batch:
            await self._deliver_batch(batch, stats)
        return stats

    async def run_until_idle(self) -> DeliveryStats:
        """Send until no row is due (rows rescheduled into the future wait for a later tick)."""
        self._stopping = False
        total = DeliveryStats()
        total.expired += await self.expire_due()
        while not self._stopping:
            stats = await self.run_once()
            total.add(stats)
            if not stats.claimed:
                break
        if total.claimed:
            logger.info("outbox: %s", total)
        return total

    # -- one batch ---------------------------------------------------------------------------

    def _per_chat_cap(self, chat_id: int) -> int:
        return max(1, int(self.lease_seconds / (2 * self.limiter.pace.interval_for(chat_id))))

    async def _deliver_batch(self, batch: list[ClaimedMessage], stats: DeliveryStats) -> None:
        by_chat: dict[int, list[ClaimedMessage]] = {}
        for message in batch:
            by_chat.setdefault(message.chat_id, []).append(message)
        excess: list[int] = []
        for chat_id, messages in by_chat.items():
            cap = self._per_chat_cap(chat_id)
            if len(messages) > cap:
                excess.extend(m.id for m in messages[cap:])
                del messages[cap:]
        if excess:
            # Still due: the next claim takes them, in order, behind the ones kept here.
            await self.store.release(excess, self.clock.now())
        await asyncio.gather(*(self._deliver_chat(messages, stats)
                               for messages in by_chat.values()))

    async def _deliver_chat(self, messages: list[ClaimedMessage], stats: DeliveryStats) -> None:
        for index, message in enumerate(messages):
            rest = [m.id for m in messages[index + 1:]]
            if self._stopping:
                await self.store.release([m.id for m in messages[index:]], message.next_attempt_at)
                return
            try:
                outcome, when = await self._deliver(message, stats)
            except Exception:  # a bug must not take the whole batch down
                raise_if_cancelling()  # stopping: the rows go back as the sender stops
                logger.exception("outbox: unexpected error on message %s", message.id)
                when = self._backoff_time(message.attempts + 1)
                await self.store.reschedule(message.id, when, "internal error")
                outcome = _Next.HOLD
            if outcome is _Next.HOLD:
                await self.store.release(rest, when)
                return
            if outcome is _Next.DROP_CHAT:
                stats.unreachable += len(rest)
                await self.store.cancel_claimed(rest, UNREACHABLE)
                return

    # -- one message -------------------------------------------------------------------------

    def _backoff_time(self, attempt: int) -> datetime:
        # Exponential with "equal jitter": half fixed, half random, so retries spread out.
        delay = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        delay = delay / 2 + delay / 2 * self.jitter()
        return self.clock.now() + timedelta(seconds=delay)

    async def _deliver(self, message: ClaimedMessage, stats: DeliveryStats
                       ) -> tuple[_Next, datetime]:
        now = self.clock.now()
        if message.expires_at is not None and message.expires_at <= now:
            stats.expired += 1
            await self.store.cancel_claimed([message.id], EXPIRED)
            return _Next.CONTINUE, now
        if message.unreachable:
            stats.unreachable += 1
            await self.store.cancel_claimed([message.id], UNREACHABLE)
            return _Next.DROP_CHAT, now
        try:
            rendered = self.renderer.render(
                message.payload, user_locale=message.user_locale, row_locale=message.locale,
                user_timezone=message.user_timezone)
        except RenderError as exc:
            stats.failed += 1
            logger.error("outbox: message %s cannot be rendered: %s", message.id, exc)
            await self.store.fail(message.id, f"render: {exc}", count_attempt=False)
            return _Next.CONTINUE, now

        chat_id = message.chat_id
        migrated = False
        while True:
            # The chat's own pace is waited for outside the semaphore: it may be a second or
            # more, and other chats should not wait behind it.
            await self.limiter.wait_chat(chat_id)
            async with self._semaphore:
                await self.limiter.acquire(chat_id)
                try:
                    # The outbox waits behind replies for the bot's one budget of sends.
                    with raw_flood_control(), bulk_sending():
                        sent = await self._send(chat_id, rendered)
                except TelegramRetryAfter as exc:
                    stats.rate_limited += 1
                    logger.warning("outbox: flood control, pausing all sending for %ss",
                                   exc.retry_after)
                    self.limiter.pause(exc.retry_after)
                    continue
                except TelegramMigrateToChat as exc:
                    if migrated:
                        raise
                    migrated = True
                    chat_id = exc.migrate_to_chat_id
                    await self.store.move_chat(message.id, chat_id)
                    continue
                except TelegramForbiddenError as exc:
                    return await self._unreachable(message, exc.message, stats)
                except TelegramBadRequest as exc:
                    if _is_chat_gone(exc):
                        return await self._unreachable(message, exc.message, stats)
                    stats.failed += 1
                    await self.store.fail(message.id, f"400: {exc.message}")
                    return _Next.CONTINUE, self.clock.now()
                except (TelegramUnauthorizedError, TelegramNotFound) as exc:
                    # A bot-wide fault (revoked token, wrong API address), not this message's:
                    # pause everything and keep the row, so a config error fails nothing.
                    logger.error("outbox: bot-wide error, pausing sending: %s", exc.message)
                    self.limiter.pause(BOT_WIDE_PAUSE_SECONDS)
                    when = self.clock.now() + timedelta(seconds=BOT_WIDE_PAUSE_SECONDS)
                    await self.store.reschedule(message.id, when, f"{type(exc).__name__}: "
                                                f"{exc.message}", count_attempt=False)
                    return _Next.HOLD, when
                except (RenderError, FileNotFoundError, IsADirectoryError) as exc:
                    stats.failed += 1
                    await self.store.fail(message.id, f"attachment: {exc}", count_attempt=False)
                    return _Next.CONTINUE, self.clock.now()
                except Exception as exc:  # 5xx, network, timeout, 401/409: transient for us
                    raise_if_cancelling()
                    return await self._retry_later(message, exc, stats)
                finally:
                    self.limiter.done(chat_id)
            message_id = sent.message_id if isinstance(sent, Message) else None
            await self.store.mark_sent(message.id, message_id, self.clock.now())
            stats.sent += 1
            return _Next.CONTINUE, self.clock.now()

    async def _unreachable(self, message: ClaimedMessage, error: str, stats: DeliveryStats
                           ) -> tuple[_Next, datetime]:
        stats.unreachable += 1
        logger.info("outbox: chat %s is unreachable (%s); its queue is dropped",
                    message.chat_id, error)
        await self.store.fail(message.id, f"{UNREACHABLE}: {error}")
        await self.store.mark_unreachable(message.chat_id, message.user_id, self.clock.now())
        return _Next.DROP_CHAT, self.clock.now()

    async def _retry_later(self, message: ClaimedMessage, exc: Exception, stats: DeliveryStats
                           ) -> tuple[_Next, datetime]:
        attempt = message.attempts + 1
        error = f"{type(exc).__name__}: {exc}"[:500]
        if attempt >= self.max_attempts:
            stats.failed += 1
            logger.warning("outbox: message %s failed after %s attempts: %s", message.id,
                           attempt, error)
            await self.store.fail(message.id, error)
            return _Next.CONTINUE, self.clock.now()
        stats.retried += 1
        when = self._backoff_time(attempt)
        await self.store.reschedule(message.id, when, error)
        return _Next.HOLD, when

    async def _send(self, chat_id: int, rendered: Rendered) -> object:
        timeout = self.request_timeout
        attachment = rendered.attachment
        if not attachment:
            return await self.bot.send_message(chat_id, rendered.text,
                                               reply_markup=rendered.reply_markup,
                                               request_timeout=timeout)
        if attachment.get("file_id"):  # a file Telegram already has (the pair's channel)
            return await self._send_file_id(chat_id, rendered, str(attachment["file_id"]))
        filename, content = await self.renderer.attachment_file(attachment, rendered.locale)
        file = (BufferedInputFile(content, filename) if isinstance(content, bytes)
                else FSInputFile(content, filename))
        if isinstance(content, str) and not await asyncio.to_thread(os.path.isfile, content):
            raise FileNotFoundError(content)  # fails the row: not worth a retry
        if attachment.get("type") == "photo":
            return await self.bot.send_photo(chat_id, file, caption=rendered.text,
                                             reply_markup=rendered.reply_markup,
                                             request_timeout=timeout)
        return await self.bot.send_document(chat_id, file, caption=rendered.text,
                                            reply_markup=rendered.reply_markup,
                                            request_timeout=timeout)

    async def _send_file_id(self, chat_id: int, rendered: Rendered, file_id: str) -> object:
        kind = (rendered.attachment or {}).get("type")
        caption, markup, timeout = rendered.text, rendered.reply_markup, self.request_timeout
        if kind == "photo":
            return await self.bot.send_photo(chat_id, file_id, caption=caption,
                                             reply_markup=markup, request_timeout=timeout)
        if kind == "voice":
            return await self.bot.send_voice(chat_id, file_id, caption=caption,
                                             reply_markup=markup, request_timeout=timeout)
        if kind == "document":
            return await self.bot.send_document(chat_id, file_id, caption=caption,
                                                reply_markup=markup, request_timeout=timeout)
        raise RenderError(f"unknown attachment type {kind!r}")
