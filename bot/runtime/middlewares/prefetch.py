"""One statement at the start of an update for what every update reads.

Each update asked the database three things one after the other: whether its id was already
handled (de-duplication), the sender's account, and (with the database storage) the
conversation record. Here one statement asks all three, inside the update's transaction; the
middlewares that need them take the answers from `data["prefetched"]` and ask themselves only
when it is not there (an update without a sender, a first contact: no account yet)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser
from sqlalchemy import exists, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.runtime.fsm_storage import DatabaseStorage
from models import FsmRecord, User
from models.processed_update import ProcessedUpdate


@dataclass(frozen=True, slots=True)
class Prefetched:
    handled: bool  # the update's id is recorded: its changes were committed
    replies: str | None  # what a committed update still owes Telegram (bot/runtime/update_unit.py)
    user: User | None  # the sender's account; None: no sender, a bot, or not created yet


class UpdatePrefetchMiddleware(BaseMiddleware):
    """Registered right after DbSessionMiddleware."""

    def __init__(self, storage: BaseStorage) -> None:
        self.storage = storage if isinstance(storage, DatabaseStorage) else None

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        session: AsyncSession = data["session"]
        sender: TelegramUser | None = data.get("event_from_user")
        context: FSMContext | None = data.get("state")
        mine = (ProcessedUpdate.bot_id == data["bot"].id,
                ProcessedUpdate.update_id == event.update_id)  # type: ignore[attr-defined]
        handled = exists().where(*mine)
        replies = select(ProcessedUpdate.replies).where(*mine).scalar_subquery()
        statement = select(handled.label("handled"), replies.label("replies")).select_from(
            select(literal(1).label("one")).subquery())
        with_user = sender is not None and not sender.is_bot
        if with_user:
            statement = statement.add_columns(User).outerjoin(
                User, User.telegram_id == sender.id)  # type: ignore[union-attr]
        key = None
        if self.storage is not None and context is not None:
            key = self.storage.record_key(context.key)
            statement = statement.add_columns(FsmRecord).outerjoin(FsmRecord, FsmRecord.key == key)
        row = (await session.execute(statement)).one()
        if key is not None:
            self.storage.remember(session, key, row[-1])  # type: ignore[union-attr]
        data["prefetched"] = Prefetched(bool(row[0]), row[1], row[2] if with_user else None)
        return await handler(event, data)
