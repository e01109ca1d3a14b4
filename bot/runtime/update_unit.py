"""One update's unit of work: its transaction and its Bot API requests, in an order that never
holds a database write across a request.

A Bot API request can take seconds (an upload, a slow network, Telegram's flood control). Made
while the update's transaction holds writes, it would hold them as long: on SQLite the single
writer, so every other person's update that writes waits (a curator's QR picture pending for
15 s made a participant joining wait 17 s); on PostgreSQL the rows written. So once the update
has written:

- a request whose answer the bot does not use (`DEFERRABLE`: messages, edits, callback answers,
  deletions) is kept, in order, and sent right after the commit. The kept requests are written
  into the update's processed-update record in the same transaction as its changes, and
  cleared once sent (a polled update's with its row of the update journal): after a crash
  between the commit and the sending, the update delivered again sends them
  (bot/middlewares/dedupe.py) instead of being handled twice;
- any other request (an upload, a file download, a lookup) first commits what the update did so
  far, with its processed-update record, sends what was kept, and then goes out holding
  nothing.

Requests made before the update's first write go out at once, as before. The reasons, the
alternatives and what a crash can do at each point: docs/after-commit-requests.md.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

from bot.db import SHRED_WAL, commit_with_deferred, write_deferred
from bot.runtime.shred import shred_after_commit
from bot.services.updates import claim_update, replies_write, set_replies
from bot.telegram.session import answer_unread
from bot.telegram.tuning import request_fields

if TYPE_CHECKING:
    from aiogram import Bot
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.db import WriteTurn
    from bot.runtime.fsm_after_commit import PendingWrites

logger = logging.getLogger("mentorbot.updates")

# Requests whose answers no handler reads and that carry no file: safe to send after the commit.
DEFERRABLE = frozenset({
    "sendMessage", "editMessageText", "editMessageCaption", "editMessageReplyMarkup",
    "deleteMessage", "answerCallbackQuery", "sendChatAction", "setMyCommands",
    "deleteMyCommands", "setChatMenuButton",
})


class UpdateHandledElsewhere(Exception):
    """Another instance committed the same update first; this attempt was rolled back."""


class _SentAfterCommit:
    """What a kept request returns to the handler: its answer does not exist yet."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(
            f"no {name!r}: this Bot API request is sent after the update's commit "
            "(bot/runtime/update_unit.py); a handler that needs the answer makes the request before "
            "its first write, or the method must not be in DEFERRABLE")

    def __repr__(self) -> str:
        return "<sent after the commit>"


SENT_AFTER_COMMIT = _SentAfterCommit()

_methods: dict[str, type[TelegramMethod[Any]]] = {}


def _method_class(name: str) -> type[TelegramMethod[Any]]:
    if not _methods:  # built on the first replay only: rare, and aiogram's types are lazy
        import aiogram.methods as methods

        for attribute in methods.__all__:
            cls = getattr(methods, attribute)
            api = getattr(cls, "__api_method__", None)
            if isinstance(api, str):
                _methods[api] = cls
    return _methods[name]


@functools.cache
def _fields_with_bot_default(cls: type[TelegramMethod[Any]]) -> frozenset[str]:
    from aiogram.client.default import Default

    return frozenset(name for name, field in cls.model_fields.items()
                     if isinstance(field.default, Default))


def dump_requests(bot: Bot, requests: list[TelegramMethod[Any]]) -> str:
    """The requests as JSON, their values as they would be sent (bot defaults applied)."""
    items = []
    for method in requests:
        # As it is sent (bot/telegram/session.py); DEFERRABLE requests carry no file.
        params = request_fields(bot.session, bot, method)
        if params is None:
            raise ValueError(f"{method.__api_method__} uploads a file: it cannot be kept")
        # A bot default turned off for this request (parse_mode=None: a plain text) stays off
        # when replayed, instead of the default coming back.
        defaulted = _fields_with_bot_default(type(method))
        params.update({key: None for key, value in method.__dict__.items()
                       if value is None and key in defaulted})
        items.append({"method": method.__api_method__, "params": params})
    return orjson.dumps(items).decode()


def load_requests(text: str) -> list[TelegramMethod[Any]]:
    return [_method_class(item["method"]).model_validate(item["params"])
            for item in orjson.loads(text)]


@dataclass(eq=False)
class UpdateUnit:
    session: AsyncSession
    turn: WriteTurn
    pending: PendingWrites  # conversation state for Redis, written after each commit
    bot: Bot | None
    update_id: int | None = None  # set by the dedupe middleware: the update gets its record
    # Polled: the update's row in the update journal is removed once it finished, and the same
    # statement clears its replies (bot/runtime/update_journal.py), so no write of its own is needed.
    journaled: bool = False
    claimed: bool = False
    owes: bool = False  # the record holds requests not yet sent
    kept: list[TelegramMethod[Any]] = field(default_factory=list)
    sending: bool = False
    done: bool = False
    # Only the update's own task: a task it starts (the outbox sender woken by its commit)
    # inherits the context, and its requests are not the update's.
    task: asyncio.Task[Any] | None = field(default_factory=asyncio.current_task)

    @property
    def holds_writes(self) -> bool:
        return self.turn.wrote or bool(self.kept)

    async def commit(self) -> None:
        """Commit what the update did so far, with its processed-update record when it wrote
        (and the requests it keeps in that record); raises UpdateHandledElsewhere, rolled
        back, when another instance committed the same update first."""
        session = self.session
        bot, update_id = self.bot, self.update_id
        replies, owed = None, None
        if bot is not None and update_id is not None and self.kept:
            replies = dump_requests(bot, self.kept)
            if self.claimed:  # PostgreSQL's first statement claimed it: only the replies
                owed = [replies_write(bot.id, update_id, replies)]
        if self.claimed:
            # Nothing to decide before the commit: the writes, the flush and the commit in one
            # call into SQLAlchemy's greenlet (bot.db.commit_with_deferred).
            self.owes = replies is not None
            self._shred_if_erased()
            await commit_with_deferred(session, owed)
        else:
            # Changes still pending in the session are writes too: deferred Core writes and
            # conversations (bot.db.write_deferred), then ORM objects.
            await write_deferred(session, owed)
            await session.flush()
            # Conversation state kept in Redis changes with the commit too: a step counts as
            # a write.
            if (update_id is not None and bot is not None
                    and (self.turn.wrote or self.pending or self.kept)):
                if not await claim_update(session, bot.id, update_id, replies):
                    await session.rollback()
                    self.kept.clear()
                    raise UpdateHandledElsewhere(update_id)
                self.claimed = True
                self.owes = replies is not None
            self._shred_if_erased()
            await session.commit()
        self.turn.reopen()  # the next write (if any) takes a new turn
        await self.pending.apply()

    def _shred_if_erased(self) -> None:
        if self.session.info.pop(SHRED_WAL, False):  # an erasure (bot.db.request_wal_shred)
            shred_after_commit(self.session, self.update_id if self.journaled else None)

    async def send_kept(self) -> None:
        """Send the requests kept until the commit, in order, then clear them from the record
        (also when one fails: the update then ends with that error, as it always did)."""
        requests, self.kept = self.kept, []
        self.sending = True
        unread = answer_unread.set(True)  # the handler got SENT_AFTER_COMMIT long ago
        try:
            for method in requests:
                await self.bot(method)  # type: ignore[misc]  # kept only by a unit with its bot
        finally:
            answer_unread.reset(unread)
            self.sending = False
            if self.owes and not self.journaled:
                await self._forget_owed()
            self.owes = False

    async def checkpoint(self) -> None:
        """Before a request that cannot wait for the end: commit, then send what was kept."""
        await self.commit()
        await self.send_kept()

    async def finish(self) -> None:
        await self.checkpoint()

    async def replay(self, replies: str) -> None:
        """A redelivered update whose changes were committed but whose requests may not have
        been sent: send them (again), not the handler."""
        self.kept = load_requests(replies)
        self.owes = True
        await self.send_kept()

    async def _forget_owed(self) -> None:
        assert self.bot is not None and self.update_id is not None
        try:
            await set_replies(self.session, self.bot.id, self.update_id, None)
            await self.session.commit()
        except Exception as exc:  # sent already; a redelivery would only send them again
            logger.warning("update %s: could not clear its sent replies: %s", self.update_id,
                           type(exc).__name__)
            await self.session.rollback()
        finally:
            self.turn.reopen()
        self.owes = False


current_unit: ContextVar[UpdateUnit | None] = ContextVar("current_update_unit", default=None)


class AfterCommitRequests(BaseRequestMiddleware):
    """The bot's outermost request middleware: applies the rule of this module to every
    request made while an update is handled; other requests (the outbox sender, jobs, the
    polling loop) pass straight through."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        unit = current_unit.get()
        if (unit is None or unit.done or unit.sending
                or unit.task is not asyncio.current_task()):
            return await make_request(bot, method)
        if not unit.holds_writes:
            if method.__api_method__ not in DEFERRABLE:
                return await make_request(bot, method)
            # Sent at once, before the update's first write; no handler reads its answer
            # (what DEFERRABLE means): not read into aiogram's types either (issue #21).
            unread = answer_unread.set(True)
            try:
                return await make_request(bot, method)
            finally:
                answer_unread.reset(unread)
        if method.__api_method__ in DEFERRABLE:
            unit.kept.append(method)
            return SENT_AFTER_COMMIT  # type: ignore[return-value]  # answers any attribute
        await unit.checkpoint()
        return await make_request(bot, method)
