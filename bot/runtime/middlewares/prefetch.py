"""One statement at the start of an update for what every update reads.

Each update asked the database three things one after the other: whether its id was already
handled (de-duplication), the sender's account, and (with the database storage) the
conversation record. Here one statement asks all three, inside the update's transaction; the
steps that need them take the answers from `data["prefetched"]` and ask themselves only
when it is not there (an update without a sender, a first contact: no account yet).

The same statement reads the questionnaire response a survey's button is about (its id is in the
button): answering a questionnaire is most of what people do with the bot, and each press read
the response in a statement of its own (issue #21). The handler takes it as `survey_read`. A
typed answer's response is read by its handler as before: its id is in the conversation record,
which this statement reads, and joining on it would read the response's tables for every typed
message at any step.

On PostgreSQL the same statement also claims the update's id (an INSERT in a WITH clause): the
claim then costs no round trip of its own at the commit (issue #21). Its row lock is harmless
across Bot API requests (it holds back only another delivery of the same update, which waits
for this one's end and then finds it handled, or handles it if this one rolled back). On
SQLite an update claims its id only when it writes (bot/runtime/update_unit.py): a claim is a
write there, and SQLite's single writer must not be held from an update's first statement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import Update
from aiogram.types import User as TelegramUser
from sqlalchemy import Select, Table, bindparam, exists, literal, literal_column, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.fields import INT32_MAX
from bot.callbacks.onboarding import SurveyCallback
from bot.db import CLAIM_ONLY
from bot.runtime.fsm_storage import DatabaseStorage
from bot.services.surveys import questionnaire
from models import FsmRecord, User
from models.base import utcnow
from models.processed_update import ProcessedUpdate


@dataclass(frozen=True, slots=True)
class Prefetched:
    handled: bool  # the update's id is recorded: its changes were committed
    replies: str | None  # what a committed update still owes Telegram (bot/runtime/update_unit.py)
    user: User | None  # the sender's account; None: no sender, a bot, or not created yet
    claimed: bool = False  # this transaction recorded the update's id (PostgreSQL)


_SURVEY_PREFIX = SurveyCallback.__prefix__ + SurveyCallback.__separator__


def _button_response_id(data: str | None) -> int | None:
    """The response id of a survey button's data, or None (another button, or forged)."""
    if not data or not data.startswith(_SURVEY_PREFIX):
        return None
    field = data[len(_SURVEY_PREFIX):].split(SurveyCallback.__separator__, 1)[0]
    if not (field.isascii() and field.isdigit()) or not 0 < int(field) <= INT32_MAX:
        return None
    return int(field)


def _statement(with_user: bool, with_record: bool, claim: bool = False,
               survey: bool = False) -> Select[Any]:
    """The prefetch statement, built once per shape (building it per update was ~8 % of the
    bot's CPU with the rest of the statements built per update, issue #21); the values are
    bound parameters. `claim` (PostgreSQL): record the update's id in the same statement;
    "handled" is then "not recorded by this statement" (recorded before, or by another
    delivery that committed first), and "replies" what a committed one before still owes
    (the statement's snapshot does not see its own claim)."""
    mine = (ProcessedUpdate.bot_id == bindparam("bot_id"),
            ProcessedUpdate.update_id == bindparam("update_id"))
    replies = select(ProcessedUpdate.replies).where(*mine).scalar_subquery()
    if claim:
        claimed = (pg_insert(cast(Table, ProcessedUpdate.__table__))
                   .values(bot_id=bindparam("bot_id"), update_id=bindparam("update_id"),
                           processed_at=bindparam("processed_at"), replies=None)
                   .on_conflict_do_nothing().returning(literal_column("1")).cte("claim"))
        handled = ~exists(select(literal_column("1")).select_from(claimed))
    else:
        handled = exists().where(*mine)
    statement = select(handled.label("handled"), replies.label("replies")).select_from(
        select(literal(1).label("one")).subquery())
    if with_user:
        statement = statement.add_columns(User).outerjoin(
            User, User.telegram_id == bindparam("telegram_id"))
    if with_record:
        # Columns, not the entity: the storage keeps a plain record (bot/runtime/fsm_storage.py).
        statement = statement.add_columns(FsmRecord.key, FsmRecord.state, FsmRecord.data
                                          ).outerjoin(FsmRecord,
                                                      FsmRecord.key == bindparam("record_key"))
    if survey:  # a survey's button: the response it is about, last
        statement = questionnaire.with_response(statement, bindparam("response_id"))
    if claim:
        statement = statement.execution_options(**{CLAIM_ONLY: True})
    return statement


class Prefetcher:
    """Its statements, built once; `prefetch` is the first step inside the update's session."""

    def __init__(self, storage: BaseStorage) -> None:
        self.storage = storage if isinstance(storage, DatabaseStorage) else None
        self.statements = {(u, r, c, s): _statement(u, r, c, s) for u in (False, True)
                           for r in (False, True) for c in (False, True)
                           for s in (False, True)}
        self._claims: bool | None = None  # whether the database is PostgreSQL, asked once

    async def prefetch(self, session: AsyncSession, update: Update, data: dict[str, Any]) -> None:
        sender: TelegramUser | None = data.get("event_from_user")
        context: FSMContext | None = data.get("state")
        if self._claims is None:
            self._claims = session.get_bind().dialect.name == "postgresql"
        claim = self._claims
        values: dict[str, Any] = {"bot_id": data["bot"].id, "update_id": update.update_id}
        if claim:
            values["processed_at"] = utcnow()
        user_id = sender.id if sender is not None and not sender.is_bot else None
        with_user = user_id is not None
        if with_user:
            values["telegram_id"] = user_id
        key = None
        if self.storage is not None and context is not None:
            key = self.storage.record_key(context.key)
            values["record_key"] = key
        response_id = (_button_response_id(update.callback_query.data)
                       if update.callback_query is not None else None)
        survey = response_id is not None
        if survey:
            values["response_id"] = response_id
        row = (await session.execute(self.statements[with_user, key is not None, claim, survey],
                                     values)).one()
        record_at = 3 if with_user else 2
        if key is not None and self.storage is not None:
            self.storage.remember(session, key, row[record_at:record_at + 3])
        if response_id is not None:
            data["survey_read"] = questionnaire.read_from(response_id, row[-3:])
        handled = bool(row[0])
        data["prefetched"] = Prefetched(handled, row[1], row[2] if with_user else None,
                                        claimed=claim and not handled)
