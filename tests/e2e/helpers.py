"""Waiting for the live bot in end-to-end tests: a pressed button answered, the database in the
expected state. The bot commits after its last API call of an update, so a reply can arrive
before its transaction is visible; these helpers poll instead of sleeping a fixed time."""

from __future__ import annotations

import asyncio
import time

# Generous: the machine running CI is shared, and a slow update must not fail a correct test.
WAIT_SECONDS = 10.0


async def answered(live, who, before: int, wait: float = WAIT_SECONDS) -> None:
    """Wait until a pressed button was answered (every callback handler answers), then quiet."""
    deadline = time.monotonic() + wait
    while len(who.callback_answers) <= before:
        assert time.monotonic() < deadline, "the button press was not answered"
        await asyncio.sleep(0.02)
    await live.settle()


async def press(live, user, text: str, group=None) -> None:
    """Press the button labelled `text` on the user's last keyboard (in `group` if given)."""
    before = len(user.callback_answers)
    if group is None:
        await user.press(text)
    else:
        await group.press(user, text)
    await answered(live, user, before)


async def press_data(live, user, data: str, message_id: int | None = None):
    """Press a button by its callback data (a forged one too); returns the callback answer."""
    before = len(user.callback_answers)
    await user.press_data(data, message_id)
    await answered(live, user, before)
    return user.callback_answers[-1]


async def eventually(live, query, wait: float = WAIT_SECONDS):
    """Poll the database until `query(session)` returns something truthy, and return it."""
    deadline = time.monotonic() + wait
    while True:
        async with live.app.sessionmaker() as session:
            result = await query(session)
        if result:
            return result
        assert time.monotonic() < deadline, "the database never reached the expected state"
        await asyncio.sleep(0.05)
