"""Routing, auth, request decoding and getUpdates semantics."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from aiogram.exceptions import TelegramUnauthorizedError

from bot.emulator import BotAPIEmulator

from .conftest import make_bot


async def test_get_me_through_aiogram(bot, emu):
    me = await bot.get_me()
    assert me.id == 123456789
    assert me.is_bot and me.username == "mentorbot_demo_bot"
    assert emu.calls[-1].method == "getMe" and emu.calls[-1].response_ok


async def test_any_well_formed_token_is_accepted_and_sets_bot_id(emu):
    other = make_bot(emu, token="42:abc_DEF-9")
    try:
        assert (await other.get_me()).id == 42
    finally:
        await other.session.close()


async def test_malformed_token_is_401(raw):
    status, body = await raw.call("getMe", token="not-a-token")
    assert status == 401
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_malformed_token_raises_in_aiogram(emu):
    bad = make_bot(emu, token="123:EMULATOR")
    bad.__dict__["_Bot__token"] = "123:bad token!"
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await bad.get_me()
    finally:
        await bad.session.close()


async def test_unknown_method_is_404(raw):
    status, body = await raw.call("sendTelepathy")
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_method_names_are_case_insensitive(raw):
    status, body = await raw.call("GETME")
    assert status == 200 and body["result"]["id"] == 123456789


async def test_form_encoded_and_json_bodies_are_both_decoded(raw, emu):
    user = emu.user(1001, first_name="Анна")
    await user.send("hi")
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    status, _ = await raw.call(
        "sendMessage", form=True, chat_id="1001", text="form", reply_markup=json.dumps(markup)
    )
    assert status == 200
    status, _ = await raw.call("sendMessage", chat_id=1001, text="json", reply_markup=markup)
    assert status == 200
    assert [m.buttons for m in user.messages] == [["A"], ["A"]]
    assert emu.calls[-2].params["reply_markup"] == markup


async def test_get_updates_offset_confirms_and_limit(raw, emu):
    user = emu.user(1001)
    for text in ("one", "two", "three"):
        await user.send(text)
    _, body = await raw.call("getUpdates", limit=2)
    ids = [u["update_id"] for u in body["result"]]
    assert [u["message"]["text"] for u in body["result"]] == ["one", "two"]
    # Without offset nothing is confirmed.
    _, again = await raw.call("getUpdates")
    assert len(again["result"]) == 3
    _, rest = await raw.call("getUpdates", offset=ids[1] + 1)
    assert [u["message"]["text"] for u in rest["result"]] == ["three"]
    assert len(emu.state.queue.pending) == 1


async def test_update_message_shape(raw, emu):
    user = emu.user(1001, first_name="Анна", username="anna")
    sent = await user.send("/start payload")
    _, body = await raw.call("getUpdates")
    message = body["result"][0]["message"]
    assert message == sent
    assert message["chat"] == {
        "id": 1001,
        "type": "private",
        "first_name": "Анна",
        "username": "anna",
    }
    assert message["from"]["is_bot"] is False and message["from"]["language_code"] == "ru"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


async def test_allowed_updates_filters_and_is_remembered(raw, emu):
    user = emu.user(1001)
    await user.send("x")
    emu.block(user)
    _, body = await raw.call("getUpdates", allowed_updates=["my_chat_member"])
    assert [list(u)[1] for u in body["result"]] == ["my_chat_member"]
    emu.unblock(user)
    await user.send("ignored")
    _, body = await raw.call("getUpdates")
    assert all("my_chat_member" in u for u in body["result"])


async def test_long_poll_returns_as_soon_as_an_update_arrives(raw, emu):
    user = emu.user(1001)

    async def later():
        await asyncio.sleep(0.2)
        await user.send("wake")

    started = time.monotonic()
    task = asyncio.create_task(later())
    _, body = await raw.call("getUpdates", timeout=5)
    await task
    assert body["result"][0]["message"]["text"] == "wake"
    assert time.monotonic() - started < 1.5


async def test_long_poll_times_out_with_empty_result(raw):
    started = time.monotonic()
    _, body = await raw.call("getUpdates", timeout=1)
    assert body == {"ok": True, "result": []}
    assert time.monotonic() - started >= 0.9


async def test_second_get_updates_terminates_first_with_409(raw):
    first = asyncio.create_task(raw.call("getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    _, second = await raw.call("getUpdates", timeout=0)
    status, body = await first
    assert second["ok"] is True
    assert status == 409
    assert body["description"].startswith("Conflict: terminated by other getUpdates request")


async def test_unknown_chat_is_chat_not_found(raw, emu):
    emu.user(2002)  # exists but never wrote to the bot
    for chat_id in (2002, 999, -100777):
        status, body = await raw.call("sendMessage", chat_id=chat_id, text="hi")
        assert (status, body) == (
            400,
            {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
        )


async def test_settle_waits_for_confirmation(emu, raw):
    user = emu.user(1001)
    await user.send("x")
    with pytest.raises(AssertionError, match="1 update"):
        await emu.settle(quiet=0.05, timeout=0.3)
    _, body = await raw.call("getUpdates")
    await raw.call("getUpdates", offset=body["result"][0]["update_id"] + 1)
    await emu.settle(quiet=0.05, timeout=2)


async def test_stop_releases_a_pending_long_poll():
    emulator = BotAPIEmulator()
    await emulator.start()
    bot = make_bot(emulator)
    task = asyncio.create_task(bot.get_updates(timeout=30))
    # Pending once the emulator has it (a fixed 0.1 s was not always enough on the loaded CI
    # machine: the request had not arrived, and stopping closed its connection instead).
    deadline = time.monotonic() + 10
    while not any(c.method == "getUpdates" for c in emulator.calls):
        assert time.monotonic() < deadline, "the long poll never reached the emulator"
        await asyncio.sleep(0.01)
    started = time.monotonic()
    await emulator.stop()
    assert await task == []
    assert time.monotonic() - started < 2
    await bot.session.close()
