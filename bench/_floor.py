"""The stack floor of bench.updates: the least an aiogram 3 bot on SQLAlchemy's ORM does for an
update that writes to a database (issue #21).

Per update, in one transaction through the ORM: select the sender's account and the
conversation (FSM) record, insert one answer, update the FSM record, commit once; then send one
message. Nothing else: no de-duplication, no journal, no routers beyond aiogram's own, no
translations. mentorbot does all of that and more, so its CPU per update over the floor's is
the price of its features and of how it is built; a bare echo bot (no database at all) is not
a fair anchor for a bot that writes (issue #10 ended on that).

Its tables are its own (`floor_*`, created by the bench before the bot's process starts) in the
database mentorbot's run uses on the same backend. On SQLite the transactions take turns on one
asyncio lock (what any SQLite bot with concurrent handlers needs: a read transaction that later
writes cannot wait in SQLite's busy handler, it fails at once); PostgreSQL needs none.

    python -m bench._bot_process floor    # BOT_TOKEN, TELEGRAM_API_BASE, DATABASE_URL
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    event,
    select,
)
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class FloorBase(DeclarativeBase):
    pass


class FloorUser(FloorBase):
    __tablename__ = "floor_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    locale: Mapped[str] = mapped_column(String(8), default="ru")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FloorState(FloorBase):
    __tablename__ = "floor_fsm"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FloorAnswer(FloorBase):
    __tablename__ = "floor_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("floor_users.id"), index=True)
    question: Mapped[int] = mapped_column(Integer)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def stock_engine(database_url: str, pool_size: int = 5, max_overflow: int = 10) -> AsyncEngine:
    """SQLAlchemy's engine as it ships (none of bot/db.py's changes to how statements run),
    with mentorbot's pool size and SQLite settings (WAL, busy timeout, synchronous=NORMAL)."""
    sqlite = database_url.startswith("sqlite")
    engine = create_async_engine(database_url, **({} if sqlite and ":memory:" in database_url
                                                  else {"pool_size": pool_size,
                                                        "max_overflow": max_overflow}))
    if sqlite:
        @event.listens_for(engine.sync_engine, "connect")
        def configure(dbapi_connection: Any, _record: object) -> None:
            cursor = dbapi_connection.cursor()
            for pragma in ("journal_mode=WAL", "busy_timeout=10000", "foreign_keys=ON",
                           "synchronous=NORMAL"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()
    return engine


async def create_tables(database_url: str) -> None:
    """In the bench process, before the floor's process starts (as mentorbot's migrations)."""
    engine = stock_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(FloorBase.metadata.create_all)
    finally:
        await engine.dispose()


def floor_dispatcher(sessionmaker: async_sessionmaker[AsyncSession], sqlite: bool) -> Any:
    """One message handler and one callback handler, each doing the floor's update."""
    from aiogram import Dispatcher
    from aiogram.types import CallbackQuery, Message

    dp = Dispatcher()
    turn = asyncio.Lock() if sqlite else None

    async def record(telegram_id: int, chat_id: int, value: str) -> int:
        now = datetime.now(UTC)
        async with turn if turn is not None else contextlib.nullcontext():
            async with sessionmaker() as session, session.begin():
                user = await session.scalar(
                    select(FloorUser).where(FloorUser.telegram_id == telegram_id))
                if user is None:  # a first contact (once per person)
                    user = FloorUser(telegram_id=telegram_id, created_at=now)
                    session.add(user)
                    await session.flush()
                key = f"floor:{chat_id}:{telegram_id}"
                state = await session.scalar(select(FloorState).where(FloorState.key == key))
                if state is None:
                    state = FloorState(key=key, state="asking", data={"step": 0}, updated_at=now)
                    session.add(state)
                step = int(state.data.get("step", 0))
                session.add(FloorAnswer(user_id=user.id, question=step, value=value,
                                        created_at=now))
                state.data = {"step": step + 1}
                state.updated_at = now
        return step + 1  # committed

    @dp.message()
    async def answer(message: Message) -> None:
        assert message.from_user is not None
        step = await record(message.from_user.id, message.chat.id, message.text or "")
        await message.answer(f"Вопрос {step}")

    @dp.callback_query()
    async def pressed(query: CallbackQuery) -> None:
        step = await record(query.from_user.id, query.from_user.id, query.data or "")
        await query.answer(f"Вопрос {step}")

    return dp
