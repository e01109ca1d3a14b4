"""/start and /help, asked on every visit, each answer from one statement after the update's
first (issue #21): /start's programmes come with whether each role is in an active pair (the
paired person's keyboard took a statement more), /help's two questions (curates? coordinates a
region?) are one. What people see is as before: the keyboard for a mentor or mentee of an
active pair and for nobody else, the curator's and the coordinator's help for them only.

The seeded world of tests/test_roles.py (SQLite), the Dispatcher fed directly."""

from __future__ import annotations

import contextlib

from aiogram.methods import SendMessage
from aiogram.types import ReplyKeyboardMarkup, Update
from sqlalchemy import event, update

from models import Pair, PairState
from tests import test_roles
from tests.recording_bot import create_recording_bot
from tests.test_roles import update_for

world = test_roles.world  # the seeded world of the roles test


@contextlib.contextmanager
def counted(app):
    statements: list[str] = []

    def count(conn, cursor, sql, parameters, context, executemany):
        statements.append(sql)

    event.listen(app.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(app.engine.sync_engine, "before_cursor_execute", count)


async def ask(app, role: str, command: str) -> tuple[list[SendMessage], int]:
    """The messages the bot sends `role` for `command`, and the statements it took."""
    recording = create_recording_bot()
    with counted(app) as statements:
        await app.dispatcher.feed_update(recording, Update.model_validate(
            update_for(role, command=command), context={"bot": recording}))
    sent = [r for r in recording.session.requests if isinstance(r, SendMessage)]
    return sent, len(statements)


def keyboard(sent: list[SendMessage]) -> list[str]:
    return [button.text for message in sent if isinstance(message.reply_markup,
                                                          ReplyKeyboardMarkup)
            for row in message.reply_markup.keyboard for button in row]


async def test_start_gives_the_keyboard_of_an_active_pair_only_from_one_statement(world):
    app, w, _restore = world
    t = app.translator.bind("ru")
    for role, button in (("mentor", t.plain("meetings.button.log")),
                         ("mentee", t.plain("meetings.button.help_me"))):
        sent, statements = await ask(app, role, "start")
        assert button in keyboard(sent), (role, sent)
        # the update's first statement (account, conversation), then the programmes with
        # whether each role is paired: no statement of its own for the pairs
        assert statements == 2, (role, statements)
    for role in ("none", "curator", "owner"):
        sent, _ = await ask(app, role, "start")
        assert keyboard(sent) == [], (role, sent)

    async with app.sessionmaker() as session, session.begin():  # the pair ends early
        await session.execute(update(Pair).where(Pair.id == w.pair)
                              .values(state=PairState.ENDED_EARLY))
    for role in ("mentor", "mentee"):
        sent, _ = await ask(app, role, "start")
        assert sent and keyboard(sent) == [], (role, sent)


async def test_help_says_what_each_one_may_do_from_one_statement(world):
    app, _w, _restore = world
    t = app.translator.bind("ru")
    curator_help, coordinator_help = t("help.curator"), t("region.help.coordinator")
    expected = {"mentor": (False, False), "none": (False, False),
                "curator": (True, False), "coordinator": (False, True)}
    for role, (curates, coordinates) in expected.items():
        sent, statements = await ask(app, role, "help")
        (message,) = sent
        assert message.text.startswith(t("help.text")), role
        assert (curator_help in message.text) is curates, role
        assert (coordinator_help in message.text) is coordinates, role
        if not curates:  # a curator's help reads their regions too
            assert statements == 2, (role, statements)
