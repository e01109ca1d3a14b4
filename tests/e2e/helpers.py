"""Steps of end-to-end tests against the live bot, each waiting exactly for what it did: a
press or a message is finished once the bot committed its update and sent its replies
(LiveBot.handled); what the outbox sends later is waited for with LiveBot.outbox_sent or a
chat's wait_messages. Nothing here waits for quiet or sleeps a fixed time."""

from __future__ import annotations

import asyncio
import time

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
