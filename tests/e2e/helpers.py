"""Steps of end-to-end tests against the live bot, each waiting exactly for what it did: a
press or a message is finished once the bot committed its update and sent its replies
(LiveBot.handled); what the outbox sends later is waited for with LiveBot.outbox_sent or a
chat's wait_messages. Nothing here waits for quiet or sleeps a fixed time."""

from __future__ import annotations

import asyncio
import json
import re
import time

from sqlalchemy import func, select, text

from tests.texts import t

# Only a failing wait lasts this long: generous, as the machine running CI is shared.
WAIT_SECONDS = 15.0


async def answered(live, who, before: int) -> None:
    """Wait until the bot finished a press made by hand; every callback handler answers."""
    await live.handled()
    assert len(who.callback_answers) > before, "the button press was not answered"


async def press(live, user, text: str, group=None) -> None:
    """Press the button labelled `text` on the user's last keyboard (in `group` if given) and
    wait until the bot finished the press; every callback handler answers the press."""
    before = len(user.callback_answers)
    if group is None:
        await user.press(text)
    else:
        await group.press(user, text)
    await live.handled()
    assert len(user.callback_answers) > before, f"the press of {text!r} was not answered"


async def press_data(live, user, data: str, message_id: int | None = None):
    """Press a button by its callback data (a forged one too); returns the callback answer."""
    before = len(user.callback_answers)
    await user.press_data(data, message_id)
    await live.handled()
    assert len(user.callback_answers) > before, "the press was not answered"
    return user.callback_answers[-1]


async def pressed_data(live, user, data: str) -> str | None:
    """Press a button by its callback data; returns the text of the answer to the press."""
    return (await press_data(live, user, data)).text


async def say(live, user, text: str) -> None:
    """Send `text` as the user and wait until the bot finished it."""
    await user.send(text)
    await live.handled()


async def eventually(live, query, wait: float = WAIT_SECONDS):
    """Poll the database until `query(session)` returns something truthy, and return it: for
    what happens outside an update (a scheduled job, the outbox)."""
    deadline = time.monotonic() + wait
    while True:
        async with live.app.sessionmaker() as session:
            result = await query(session)
        if result:
            return result
        assert time.monotonic() < deadline, "the database never reached the expected state"
        await asyncio.sleep(0.05)


_UNSET = object()


async def until(check, what: str, expect=_UNSET, wait: float = WAIT_SECONDS):
    """Wait until `check()` (a plain or async function) returns something truthy, or `expect`
    when given; returns it. For states that have no event of their own to wait on."""
    deadline = time.monotonic() + wait
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if (result == expect) if expect is not _UNSET else result:
            return result
        assert time.monotonic() < deadline, f"never happened: {what} (last: {result!r})"
        await asyncio.sleep(0.02)


# --- people and the database -------------------------------------------------------------

async def dump_database(live) -> str:
    """Every value of every table, as one string: for checks that something is absent."""
    from models import Base

    await live.journal_cleared()  # the journal holds raw updates until then
    app = live.app
    chunks = []
    async with app.sessionmaker() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(text(f"SELECT * FROM {table.name}"))).all()
            chunks.extend(readable(value) for row in rows for value in row)
    return "\n".join(chunks)


def holds_number(dump: str, number: int) -> bool:
    """Whether `number` (a Telegram id) is in `dump` as a number of its own: not as digits
    inside another one, such as a timestamp's microseconds (16:11:09.304026 holds "3040"; the
    check failed one run in eight)."""
    return re.search(rf"(?<!\d){number}(?!\d)", dump) is not None


def readable(value: object) -> str:
    """A value as a person would search it: JSON columns store Cyrillic as \\u escapes, which
    a plain `in` check would never find."""
    if isinstance(value, str | bytes):
        try:
            return json.dumps(json.loads(value), ensure_ascii=False)
        except ValueError:
            return value.decode(errors="replace") if isinstance(value, bytes) else value
    return str(value)


async def dump_conversations(live) -> str:
    """Every conversation record of this bot in Redis (the PostgreSQL + Redis deployment keeps
    FSM state there, not in a table): keys and values, as one string."""
    storage = live.app.dispatcher.storage
    redis = getattr(storage, "redis", None)
    if redis is None:
        return ""
    prefix = getattr(storage, "inner", storage).key_builder.prefix
    chunks = []
    async for key in redis.scan_iter(match=f"{prefix}:*"):
        value = await redis.get(key) if await redis.type(key) == b"string" else b""
        chunks.append(f"{readable(key)}={readable(value)}")
    return "\n".join(chunks)


async def count(live, model, *where) -> int:
    await live.handled()
    async with live.app.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def join_as_adult(user, token, live, name="Смирнова Анна Петровна"):
    await user.send(f"/start {token}")
    welcome, age = await user.wait_messages(2)
    assert "Наставничество 2026" in welcome.text
    await user.press(t("age_group.18_plus"))
    (consent,) = await user.wait_messages(1)
    assert "Согласие на обработку персональных данных" in consent.text
    assert "МБОУ СОШ № 1" in consent.text  # the operator is the organisation
    await user.press(t("consent.accept"))
    accepted, ask_name = await user.wait_messages(2)
    assert "согласие записано" in accepted.text
    await user.send(name)
    await live.handled()


async def wait_polling(emulator, since: int, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if any(c.method == "getUpdates" for c in emulator.calls[since:]):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the bot process did not start polling")


async def journal_emptied(database_url: str, wait: float = WAIT_SECONDS) -> None:
    """Wait until a bot process's update journal is empty: every update it fetched finished
    and left it (LiveBot.journal_cleared for a bot in this process)."""
    from bot.db import create_engine
    from models import JournaledUpdate

    engine = create_engine(database_url)
    try:
        async def left() -> int:
            async with engine.connect() as connection:
                return await connection.scalar(
                    select(func.count()).select_from(JournaledUpdate.__table__))

        await until(left, "the update journal is empty", expect=0, wait=wait)
    finally:
        await engine.dispose()
