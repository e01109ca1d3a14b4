"""One budget for every request that puts a message in a chat, replies and outbox alike.

Telegram lets a bot send about 30 messages a second in all. The outbox paced itself
(bot/delivery/rate_limit.py), but a handler's replies were not counted: with the curator alone
answering during an announcement the bot reached 28-29 a second. This session middleware is the
single choke point: every sending method (send*, copy, forward, edit*) takes a slot of one
`SendBudget` before it goes out: `SEND_PER_SECOND` (25) a second less a 2 % margin (the
outbox's slots spaced evenly; a reply's few messages go at once), and never a slot while `SEND_PER_SECOND` requests are in flight or came back within the
last second. A request reaches the server between its slot and its answer, so any one-second
window at the Bot API server holds at most `SEND_PER_SECOND`, however late the network or a
busy event loop delivers it (even spacing alone let a request delayed by 10 ms make a window of
26 of 25). A slow server thus lowers the rate: 1 + latency seconds per 25 messages.

- Interactive first: a request made inside `bulk_sending()` (the outbox sender) waits behind
  the replies that are waiting, so a long announcement backlog does not hold up the answer to
  someone who just tapped a button. The outbox keeps a reserved share, one slot in
  `INTERACTIVE_RUN + 1` (a fifth, 5/s of 25) while both wait, so a busy hour of conversations
  does not starve reminders either (strict priority did: with 30 people talking to a bot the
  outbox sent nothing until they stopped).
- Per chat: each send is recorded per chat (`chat_wait`), and the outbox waits a chat's interval
  after *any* message to it, a reply included (1/s private, 20/min groups). Replies themselves
  are not held per chat: they answer a person who just acted, Telegram allows such short
  bursts, and a 429 is waited out by bot/telegram/retry.py.
- A 429 pauses the whole budget for its retry_after.

It is innermost on the session (after retries and the after-commit queue), so each attempt
that really goes out is counted once, when it goes out. One budget per Bot (per process):
several webhook instances each have their own; give each `SEND_PER_SECOND` / instances."""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import IntEnum
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import (
    CopyMessage,
    CopyMessages,
    EditMessageCaption,
    EditMessageLiveLocation,
    EditMessageMedia,
    EditMessageReplyMarkup,
    EditMessageText,
    ForwardMessage,
    ForwardMessages,
    SendAnimation,
    SendAudio,
    SendContact,
    SendDice,
    SendDocument,
    SendLocation,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    SendPoll,
    SendSticker,
    SendVenue,
    SendVideo,
    SendVideoNote,
    SendVoice,
    TelegramMethod,
)
from aiogram.methods.base import Response, TelegramType

from bot.telegram.chat_pace import DEFAULT_MARGIN, ChatPace

INTERACTIVE_RUN = 4  # replies granted in a row while the outbox waits; then one for the outbox

SENDING_METHODS: tuple[type[TelegramMethod[Any]], ...] = (
    SendMessage, SendPhoto, SendDocument, SendAudio, SendVideo, SendAnimation, SendVoice,
    SendVideoNote, SendMediaGroup, SendSticker, SendLocation, SendVenue, SendContact, SendPoll,
    SendDice, CopyMessage, CopyMessages, ForwardMessage, ForwardMessages, EditMessageText,
    EditMessageCaption, EditMessageMedia, EditMessageReplyMarkup, EditMessageLiveLocation,
)


class Priority(IntEnum):
    INTERACTIVE = 0  # a handler's reply: first
    BULK = 1  # the outbox: what is left


_priority: ContextVar[Priority] = ContextVar("mentorbot_send_priority",
                                             default=Priority.INTERACTIVE)


@contextmanager
def bulk_sending() -> Iterator[None]:
    """Requests made within this block (and tasks started from it) wait behind replies."""
    token = _priority.set(Priority.BULK)
    try:
        yield
    finally:
        _priority.reset(token)


class SendBudget:
    """At most `per_second` requests in any one-second window, granted to the most urgent
    waiter; the outbox's slots also spaced evenly at `per_second` x (1 - margin)."""

    def __init__(self, per_second: float = 25.0, private_per_second: float = 1.0,
                 group_per_minute: float = 20.0, margin: float = DEFAULT_MARGIN,
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.capacity = max(1, int(per_second))  # requests per any one-second window
        self.interval = 1.0 / (per_second * (1.0 - margin))
        self.pace = ChatPace.of(private_per_second, group_per_minute, margin)
        # A timer that wakes a little late may take its slot from the past, up to this much.
        self._tolerance = min(0.005, self.interval * 0.25)
        self._monotonic = monotonic
        self._sleep = sleep
        self._next = 0.0
        self._paused_until = 0.0
        self._waiters: dict[Priority, deque[asyncio.Future[None]]] = {
            Priority.INTERACTIVE: deque(), Priority.BULK: deque()}
        self._run = 0  # replies granted since the outbox's last slot
        self._pump: asyncio.Task[None] | None = None
        self._in_flight = 0
        self._answered: deque[float] = deque()  # when the requests of the last second came back
        self._released: asyncio.Event | None = None
        self._chat_ready: dict[int, float] = {}
        self.granted = {Priority.INTERACTIVE: 0, Priority.BULK: 0}

    # -- the global slots --------------------------------------------------------------------

    def _take(self, now: float, priority: Priority) -> None:
        self._next = max(now - self._tolerance, self._next) + self.interval
        self._in_flight += 1
        self.granted[priority] += 1

    def _wait(self, now: float, priority: Priority) -> float | None:
        """Seconds until a slot is free; None: only an answer to a request in flight frees one.
        The outbox's slots are spaced evenly; a reply is not (it answers someone waiting, a few
        messages at once): the one-second window below is what holds the limit for both."""
        spaced = self._next if priority is Priority.BULK else 0.0
        spacing = max(spaced, self._paused_until) - now
        while self._answered and self._answered[0] <= now - 1.0:
            self._answered.popleft()
        if self._in_flight + len(self._answered) < self.capacity:
            return max(0.0, spacing)
        if self._answered:
            return max(spacing, self._answered[0] + 1.0 - now)
        return None

    def release(self) -> None:
        """The request of a slot came back (answered or failed): it may have reached the
        server as late as now."""
        self._in_flight -= 1
        self._answered.append(self._monotonic())
        if self._released is not None:
            self._released.set()

    async def acquire(self, priority: Priority | None = None) -> None:
        """Wait for a slot, replies before the outbox; `release()` when the request is over."""
        priority = _priority.get() if priority is None else priority
        now = self._monotonic()
        if not any(self._waiters.values()) and self._wait(now, priority) == 0:
            self._take(now, priority)
            return
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._waiters[priority].append(future)
        if self._pump is None or self._pump.done():
            self._pump = loop.create_task(self._grant())
        try:
            await future  # a cancelled waiter is skipped by the pump (its future is done)
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release()  # granted, then cancelled before it could use the slot
            raise

    def _next_priority(self) -> Priority | None:
        """Replies first, but one slot in INTERACTIVE_RUN + 1 to the outbox while it waits."""
        for queue in self._waiters.values():
            while queue and queue[0].done():  # requests cancelled while waiting
                queue.popleft()
        replies, outbox = self._waiters[Priority.INTERACTIVE], self._waiters[Priority.BULK]
        if replies and (not outbox or self._run < INTERACTIVE_RUN):
            return Priority.INTERACTIVE
        return Priority.BULK if outbox else None

    def _next_waiter(self, priority: Priority) -> asyncio.Future[None]:
        self._run = self._run + 1 if priority is Priority.INTERACTIVE else 0
        return self._waiters[priority].popleft()

    async def _grant(self) -> None:
        while any(self._waiters.values()):
            priority = self._next_priority()
            if priority is None:  # only cancelled waiters were left
                return
            now = self._monotonic()
            wait = self._wait(now, priority)
            if wait is None:
                self._released = self._released or asyncio.Event()
                self._released.clear()
                await self._released.wait()
                continue
            if wait > 0:
                await self._sleep(wait)
                continue
            future = self._next_waiter(priority)
            self._take(now, priority)
            future.set_result(None)

    def pause(self, seconds: float) -> None:
        """Flood control hit: no slot for anyone until `seconds` from now."""
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)

    # -- per chat ----------------------------------------------------------------------------

    def sent(self, chat_id: int) -> None:
        """A message reached (or was refused by) `chat_id`: its next one waits an interval."""
        self._chat_ready[chat_id] = self._monotonic() + self.pace.interval_for(chat_id)
        if len(self._chat_ready) > 50_000:
            now = self._monotonic()
            self._chat_ready = {c: t for c, t in self._chat_ready.items() if t > now}

    def chat_wait(self, chat_id: int) -> float:
        return max(0.0, self._chat_ready.get(chat_id, 0.0) - self._monotonic())


def _chat_of(method: TelegramMethod[Any]) -> int | None:
    chat_id = getattr(method, "chat_id", None)
    return chat_id if isinstance(chat_id, int) else None


class SendBudgetMiddleware(BaseRequestMiddleware):
    def __init__(self, budget: SendBudget) -> None:
        self.budget = budget

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if not isinstance(method, SENDING_METHODS):
            return await make_request(bot, method)
        await self.budget.acquire()
        chat_id = _chat_of(method)
        try:
            return await make_request(bot, method)
        except TelegramRetryAfter as exc:
            self.budget.pause(exc.retry_after)
            raise
        finally:
            self.budget.release()
            if chat_id is not None:
                self.budget.sent(chat_id)


_budgets: weakref.WeakKeyDictionary[BaseSession, SendBudget] = weakref.WeakKeyDictionary()


def install(session: BaseSession, budget: SendBudget) -> None:
    """Put the budget on a session: call it after the other request middlewares (innermost)."""
    session.middleware(SendBudgetMiddleware(budget))
    _budgets[session] = budget


def budget_of(bot: Bot) -> SendBudget | None:
    """The budget on this Bot's session, for the outbox to wait on a chat's replies too."""
    return _budgets.get(bot.session)
