"""One statement at the start of an update for what every update reads.

Each update asked the database three things one after the other: whether its id was already
handled (de-duplication), the sender's account, and (with the database storage) the
conversation record. Here one statement asks all three, inside the update's transaction; the
steps that need them take the answers from `data["prefetched"]` and ask themselves only
when it is not there (an update without a sender, a first contact: no account yet)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import Update
from aiogram.types import User as TelegramUser
from sqlalchemy import Select, bindparam, exists, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.runtime.fsm_storage import DatabaseStorage
from models import FsmRecord, User
from models.processed_update import ProcessedUpdate


@dataclass(frozen=True, slots=True)
class Prefetched:
    handled: bool  # the update's id is recorded: its changes were committed
    replies: str | None  # what a committed update still owes Telegram (bot/runtime/update_unit.py)
    user: User | None  # the sender's account; None: no sender, a bot, or not created yet


def _statement(with_user: bool, with_record: bool) -> Select[Any]:
    """The prefetch statement, built once per shape (building it per update was ~8 % of the
    bot's CPU with the rest of the statements built per update, issue #21); the values are
    bound parameters."""
    mine = (ProcessedUpdate.bot_id == bindparam("bot_id"),
            ProcessedUpdate.update_id == bindparam("update_id"))
    handled = exists().where(*mine)
    replies = select(ProcessedUpdate.replies).where(*mine).scalar_subquery()
    statement = select(handled.label("handled"), replies.label("replies")).select_from(
        select(literal(1).label("one")).subquery())
    if with_user:
        statement = statement.add_columns(User).outerjoin(
            User, User.telegram_id == bindparam("telegram_id"))
    if with_record:
        statement = statement.add_columns(FsmRecord).outerjoin(
            FsmRecord, FsmRecord.key == bindparam("record_key"))
    return statement


class Prefetcher:
    """Its statements, built once; `prefetch` is the first step inside the update's session."""

    def __init__(self, storage: BaseStorage) -> None:
        self.storage = storage if isinstance(storage, DatabaseStorage) else None
        self.statements = {(u, r): _statement(u, r) for u in (False, True)
                           for r in (False, True)}

    async def prefetch(self, session: AsyncSession, update: Update, data: dict[str, Any]) -> None:
        sender: TelegramUser | None = data.get("event_from_user")
        context: FSMContext | None = data.get("state")
        values: dict[str, Any] = {"bot_id": data["bot"].id, "update_id": update.update_id}
        user_id = sender.id if sender is not None and not sender.is_bot else None
        with_user = user_id is not None
        if with_user:
            values["telegram_id"] = user_id
        key = None
        if self.storage is not None and context is not None:
            key = self.storage.record_key(context.key)
            values["record_key"] = key
        row = (await session.execute(self.statements[with_user, key is not None],
                                     values)).one()
        if key is not None and self.storage is not None:
            self.storage.remember(session, key, row[-1])
        data["prefetched"] = Prefetched(bool(row[0]), row[1], row[2] if with_user else None)
