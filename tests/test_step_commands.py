"""Issue 16, item 1: a command typed at a step of a conversation is a command, never the step's
answer.

The sweep takes every state of every StatesGroup the handlers define and every command the bot
has (the role menus in bot/telegram/commands.py and every Command filter of the Dispatcher), so a new
step or a new command is covered without editing this file. For each pair: the person is put at
the step, types the command, and

- nothing is stored: the command's text is in no table and not in the conversation's data;
- the command's effect happens: its answer is the one it gives outside any step (followed by a
  short «step left» note for the commands that leave the step), /cancel ends the step, and the
  commands a person may always use (/forget, /mydata, /help, /start, /language) leave the step
  where it was;
- an unknown «/command» is refused with a note and the step stays.

The Dispatcher is fed directly (the seeded world of tests/test_roles.py, SQLite); the live
scenarios of the issue run against the emulator in tests/e2e/test_step_commands_e2e.py."""

from __future__ import annotations

import json
from itertools import count

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import SendDocument, SendMessage, SendPhoto
from aiogram.types import Update
from sqlalchemy import text

import handlers  # noqa: F401  (every StatesGroup is defined on import)
from bot.telegram import commands as menus
from models import Base
from tests import test_roles
from tests.recording_bot import create_recording_bot
from tests.test_roles import TG, registered_commands, update_for

world = test_roles.world  # the seeded world of the roles test (two organisations)

UNKNOWN = "nosuchcommand"
ALWAYS = {"cancel", "forget", "mydata", "help", "start", "language"}
_ids = count(50_000)


def every_state() -> list[State]:
    def groups(cls: type) -> list[type]:
        found = []
        for sub in cls.__subclasses__():
            found.append(sub)
            found += groups(sub)
        return found

    states = [state for group in groups(StatesGroup) if group.__module__.startswith("handlers.")
              for state in group.__all_states__]
    return sorted(states, key=lambda s: s.state)


def every_command(app) -> list[str]:
    return sorted({*menus.EVERYONE, *menus.CURATOR, *menus.OWNER}
                  | registered_commands(app.dispatcher))


def role_for(command: str) -> str:
    """Who may use it: the curator, or the owner for the owner's own commands."""
    return "owner" if command in menus.OWNER and command not in menus.CURATOR else "curator"


def replies(requests) -> list[tuple[str, str | None]]:
    out = []
    for request in requests:
        if isinstance(request, SendMessage):
            out.append(("message", request.text))
        elif isinstance(request, SendDocument | SendPhoto):
            out.append(("file", request.caption))
    return out


async def feed(app, role: str, raw: dict):
    recording = create_recording_bot()
    await app.dispatcher.feed_update(recording, Update.model_validate(
        raw, context={"bot": recording}))
    return recording.session.requests


def context(app, role: str) -> FSMContext:
    tg = TG[role]
    return FSMContext(storage=app.dispatcher.storage,
                      key=StorageKey(bot_id=42, chat_id=tg, user_id=tg))


async def stored_anywhere(app, needle: str) -> list[str]:
    """A table's name for each value holding `needle` (JSON decoded, so Cyrillic escapes do
    not hide it)."""
    found = []
    async with app.sessionmaker() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(text(f"SELECT * FROM {table.name}"))).all()
            for row in rows:
                for value in row:
                    if isinstance(value, str):
                        try:
                            value = json.dumps(json.loads(value), ensure_ascii=False)
                        except ValueError:
                            pass
                        if needle in value:
                            found.append(table.name)
    return found


def message_update(role: str, body: str) -> dict:
    raw = update_for(role, command="x")
    raw["update_id"] = raw["message"]["message_id"] = next(_ids)
    raw["message"]["text"] = body
    if body.startswith("/"):
        raw["message"]["entities"] = [{"type": "bot_command", "offset": 0,
                                       "length": len(body.split()[0])}]
    else:
        raw["message"].pop("entities")
    return raw


def test_the_sweep_sees_the_steps_and_commands_of_the_bot():
    names = {state.state for state in every_state()}
    # A few that the issue names: the name step of joining, the owner's organisation name.
    assert {"Joining:name", "NewOrganisation:name", "SurveyFlow:answering",
            "RoadmapInput:fix", "AnnounceFlow:text"} <= names
    assert len(names) >= 30


async def test_every_command_at_every_step_wins_over_the_step(world):
    app, _, restore = world
    t = app.translator.bind("ru")
    problems: list[str] = []
    states = every_state()
    commands = [*every_command(app), UNKNOWN]
    assert {"forget", "status", "neworg", "help", "cancel"} <= set(commands)
    for command in commands:
        role = role_for(command)
        fsm = context(app, role)
        body = f"/{command}"
        # Consent texts name /forget: only what the sweep adds counts.
        before = sorted(await stored_anywhere(app, body))
        # What the command does outside any step: the reference for its effect.
        await fsm.clear()
        reference = replies(await feed(app, role, message_update(role, body)))
        after_reference = await fsm.get_state()
        for state in states:
            await fsm.set_state(state)
            await fsm.set_data({"step": "data of the step"})
            got = replies(await feed(app, role, message_update(role, body)))
            now = await fsm.get_state()
            data = json.dumps(await fsm.get_data(), ensure_ascii=False)
            label = f"{body} at {state.state}"
            if command == UNKNOWN:
                expected, expected_state = [("message", t("steps.not_an_answer"))], state.state
            elif command == "cancel":
                expected, expected_state = [("message", t("cancel.done"))], None
            elif command in ALWAYS:
                expected, expected_state = reference, state.state
            else:
                expected = [*reference, ("message", t("steps.left"))]
                expected_state = after_reference
            if got != expected:
                problems.append(f"{label}: answered {got}, expected {expected}")
            if now != expected_state:
                problems.append(f"{label}: left the person at {now}, expected {expected_state}")
            if body in data:
                problems.append(f"{label}: stored in the conversation's data")
        stored = sorted(await stored_anywhere(app, body))
        if stored != before:
            problems.append(f"{body}: stored in {sorted(set(stored) - set(before))}")
            await restore()
        await fsm.clear()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


async def test_a_refused_command_at_any_step_keeps_the_step(world):
    """/status for a mentee: the refusal, nothing else, and the step is where it was (the
    refused update changes nothing, the conversation state included)."""
    app, _, _ = world
    t = app.translator.bind("ru")
    fsm = context(app, "mentee")
    problems = []
    for state in every_state():
        await fsm.set_state(state)
        got = replies(await feed(app, "mentee", message_update("mentee", "/status")))
        if got != [("message", t("access.curator_only"))]:
            problems.append(f"/status at {state.state}: answered {got}")
        if await fsm.get_state() != state.state:
            problems.append(f"/status at {state.state}: the step was lost")
    assert not problems, "\n".join(problems)


async def test_text_that_is_not_a_command_still_reaches_the_step(world):
    """The mechanism only looks at a leading «/»: a typed timezone is the step's answer."""
    app, _, _ = world
    fsm = context(app, "curator")
    await feed(app, "curator", message_update("curator", "/timezone"))
    assert await fsm.get_state() == "TimezoneForm:waiting"
    sent = replies(await feed(app, "curator", message_update("curator", "Asia/Yekaterinburg")))
    assert await fsm.get_state() is None
    assert "Asia/Yekaterinburg" in sent[0][1]
