"""Hostile and odd input, generated: any text, content where text is expected, random or forged
buttons, commands mid-flow, edits, group messages. Every update gets a translated answer or is
ignored, never reaches the generic error handler, never shows another programme's data, and a
person without a role changes nothing but their own settings."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bot.emulator.seed import seed_programme
from bot.services.people import participants, users
from bot.services.programmes import programmes
from bot.telegram import commands as menus
from models import Participation
from tests.bot_surface import callback_factories
from tests.db_snapshot import snapshot
from tests.recording_bot import create_recording_bot

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "300"))
SECRETS = ("Школа Бета", "Программа Бета", "Секретная Персона")
STRANGER, CURATOR_A, MENTOR_B = 9100, 9001, 9002

# Every command of the role menus and every button prefix the bot has (a new one is covered
# without editing this list), plus odd ones.
COMMANDS = sorted({f"/{name}" for name in (*menus.EVERYONE, *menus.CURATOR, *menus.OWNER)}
                  | {"/cancel", "/mydata", "/forget", "/bind", "/language", "/timezone",
                     "/start AAAAAAAAAAAAAAAAAAAAAAAA", "/start ../../etc", "/unknown"})
PREFIXES = sorted(factory.__prefix__ for factory in callback_factories())
ODD_TEXTS = ["", " ", "<b>", "</b>", "&", "&amp;", "<script>alert(1)</script>", "**x**", "_x_",
             "[a](http://x)", "🙂" * 30, "مرحبا بالعالم", "\u202eабв", "a" * 4096, "б" * 10_000,
             "31.02.2024", "-1", "0", "99999999999999999999", "NaN", "/cancel"]

texts = st.one_of(st.text(max_size=80), st.sampled_from(ODD_TEXTS), st.sampled_from(COMMANDS))
part = st.one_of(st.integers(-3, 2_000_000).map(str), st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12), st.sampled_from(
    ["card", "run", "done", "parts", "mats", "comm", "show", "new", "revoke", "mentor", "mentee",
     "o", "t", "d", "s", "b", "add", "del", "True", "False", "1", "0"]))
callback_data = st.one_of(
    st.text(min_size=1, max_size=90),
    st.builds(lambda prefix, parts: ":".join([prefix, *parts]), st.sampled_from(PREFIXES),
              st.lists(part, max_size=6)))
kinds = st.sampled_from(["text", "text", "text", "callback", "callback", "sticker", "photo",
                         "voice", "document", "edited", "group"])
actions = st.lists(st.tuples(kinds, texts, callback_data), min_size=1, max_size=6)
actors = st.sampled_from([STRANGER, CURATOR_A, MENTOR_B])

_ids = count(1)


def make_update(kind: str, actor: int, body: str, data: str) -> dict:
    now = int(datetime.now(UTC).timestamp())
    sender = {"id": actor, "is_bot": False, "first_name": "<b>Hostile</b> & Co",
              "language_code": "ru"}
    private = {"id": actor, "type": "private", "first_name": "x"}
    update_id = next(_ids)
    message = {"message_id": update_id, "date": now, "chat": private, "from": sender}
    if kind == "callback":
        return {"update_id": update_id, "callback_query": {
            "id": str(update_id), "from": sender, "chat_instance": "ci", "data": data,
            "message": {"message_id": 1, "date": now, "chat": private, "text": "old keyboard"}}}
    if kind == "sticker":
        message["sticker"] = {"file_id": "s", "file_unique_id": "s", "type": "regular",
                              "width": 1, "height": 1, "is_animated": False, "is_video": False}
    elif kind == "photo":
        message["photo"] = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
    elif kind == "voice":
        message["voice"] = {"file_id": "v", "file_unique_id": "v", "duration": 1}
    elif kind == "document":
        message["document"] = {"file_id": "d", "file_unique_id": "d", "file_name": "x.exe"}
    elif body:
        message["text"] = body
        if body.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(body.split()[0])}]
    else:
        message["text"] = "."
    if kind == "edited":
        message["edit_date"] = now
        return {"update_id": update_id, "edited_message": message}
    if kind == "group":
        message["chat"] = {"id": -100500, "type": "supergroup", "title": "Чат"}
    return {"update_id": update_id, "message": message}


@pytest.fixture
async def world(app):
    """Two organisations: A with a curator; B with a mentor whose data must never leak."""
    seeded_a = await seed_programme(app, organisation="Школа Альфа", title="Программа Альфа")
    seeded_b = await seed_programme(app, organisation="Школа Бета", title="Программа Бета")
    async with app.sessionmaker() as session, session.begin():
        curator = await users.get_or_create(session, CURATOR_A)
        await programmes.add_curator(session, seeded_a.organisation_id, curator.id, "Куратор А")
        mentor = await users.get_or_create(session, MENTOR_B)
        from bot.services.people import invitations
        from bot.services.programmes import programmes as programme_service

        invitation = await invitations.resolve(session, seeded_b.mentor_token)
        consent = await programme_service.current_consent_text(session, seeded_b.programme_id)
        participation = await participants.join_with_consent(
            session, invitation, mentor.id, "18_plus", consent.id)
        await participants.set_name(session, participation, "Секретная Персона")
    return app


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(actor=actors, steps=actions)
async def test_hostile_updates_are_answered_or_ignored_and_leak_nothing(world, caplog, actor, steps):
    from aiogram.types import Update

    app = world
    bot = create_recording_bot()
    before = await snapshot(app) if actor == STRANGER else None
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        for kind, body, data in steps:
            update = Update.model_validate(make_update(kind, actor, body, data),
                                           context={"bot": bot})
            await app.dispatcher.feed_update(bot, update)
    crashes = [r for r in caplog.records if r.name == "mentorbot.errors" and r.levelno >= logging.ERROR]
    assert not crashes, crashes[0].getMessage()
    if actor != MENTOR_B:
        for request in bot.session.requests:
            shown = " ".join(str(v) for v in request.model_dump().values() if v)
            assert not any(secret in shown for secret in SECRETS), shown[:300]
    if before is not None:
        assert await snapshot(app) == before


async def test_the_mentor_of_b_is_really_in_the_world(world):
    async with world.sessionmaker() as session:
        names = [p.full_name for p in (await session.scalars(
            __import__("sqlalchemy").select(Participation))).all()]
    assert "Секретная Персона" in names


async def feed_all(app, actor: int, updates: list[dict], caplog) -> list:
    from aiogram.types import Update

    bot = create_recording_bot()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        for raw in updates:
            await app.dispatcher.feed_update(bot, Update.model_validate(raw, context={"bot": bot}))
    crashes = [r for r in caplog.records if r.name == "mentorbot.errors" and r.levelno >= logging.ERROR]
    assert not crashes, crashes[0].getMessage()
    return bot.session.requests


@pytest.mark.parametrize("actor", [STRANGER, CURATOR_A])
async def test_every_command_and_every_forged_button_naming_another_programme(world, caplog, actor):
    """A deterministic sweep beside the random one: each command, with every kind of content
    after it, and each button prefix with the ids of programme B's objects."""
    before = await snapshot(world) if actor == STRANGER else None
    async with world.sessionmaker() as session:
        ids = [str(i) for i in (await session.scalars(text("SELECT id FROM programmes"))).all()]
        ids += [str(i) for i in (await session.scalars(text("SELECT id FROM participations"))).all()]
    updates = []
    for command in COMMANDS:
        updates.append(make_update("text", actor, command, ""))
        for kind in ("sticker", "photo", "document", "voice"):
            updates.append(make_update(kind, actor, "", ""))
        updates.append(make_update("text", actor, "<b>&amp; 31.02.2024", ""))
    for prefix in PREFIXES:
        for object_id in ids:
            for shape in ([object_id], ["card", object_id], ["show", object_id, "mentor"],
                          [object_id, "position", "o", "1"], ["del", object_id, object_id]):
                updates.append(make_update("callback", actor, "", ":".join([prefix, *shape])))
    requests = await feed_all(world, actor, updates, caplog)
    for request in requests:
        shown = " ".join(str(v) for v in request.model_dump().values() if v)
        assert not any(secret in shown for secret in SECRETS), shown[:300]
    if before is not None:
        assert await snapshot(world) == before
