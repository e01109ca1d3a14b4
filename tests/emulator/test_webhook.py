"""Webhook mode: delivery to a real aiohttp receiver, secret header, retries, 409 on getUpdates."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.exceptions import TelegramConflictError
from aiohttp import web
from aiohttp.test_utils import TestServer


class Receiver:
    def __init__(self) -> None:
        self.received: list[tuple[str | None, dict[str, Any]]] = []
        self.fail_next = 0
        self.reply: dict[str, Any] | None = None

    async def handle(self, request: web.Request) -> web.Response:
        if self.fail_next:
            self.fail_next -= 1
            return web.Response(status=500)
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        self.received.append((secret, await request.json()))
        if self.reply is not None:
            return web.json_response(self.reply)
        return web.Response()


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    target = Receiver()
    app = web.Application()
    app.router.add_post("/hook", target.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield target, str(server.make_url("/hook"))
    await server.close()


async def test_delivery_with_secret_and_order(emu, bot, receiver):
    target, url = receiver
    assert await bot.set_webhook(url, secret_token="s3cr3t_-") is True
    user = emu.user(1001)
    for text in ("one", "two", "three"):
        await user.send(text)
    await emu.settle(quiet=0.1)
    assert [secret for secret, _ in target.received] == ["s3cr3t_-"] * 3
    assert [u["message"]["text"] for _, u in target.received] == ["one", "two", "three"]
    info = await bot.get_webhook_info()
    assert info.url == url and info.pending_update_count == 0


async def test_get_updates_conflicts_while_webhook_set(emu, bot, raw, receiver):
    _, url = receiver
    await bot.set_webhook(url)
    status, body = await raw.call("getUpdates")
    assert status == 409
    assert body["description"] == (
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first"
    )
    with pytest.raises(TelegramConflictError):
        await bot.get_updates()
    assert await bot.delete_webhook() is True
    assert await bot.get_updates() == []


async def test_failed_delivery_is_retried_in_order(emu, bot, receiver):
    target, url = receiver
    target.fail_next = 2
    await bot.set_webhook(url)
    user = emu.user(1001)
    await user.send("first")
    await user.send("second")
    await emu.settle(quiet=0.1, timeout=5)
    assert [u["message"]["text"] for _, u in target.received] == ["first", "second"]
    info = await bot.get_webhook_info()
    assert info.last_error_message and "500" in info.last_error_message


async def test_delete_webhook_drop_pending(emu, bot, raw, receiver):
    _, url = receiver
    user = emu.user(1001)
    await user.send("queued before webhook")
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == []
    await user.send("kept")
    _, body = await raw.call("setWebhook", url="http://127.0.0.1:9/unreachable")
    assert body == {"ok": True, "result": True, "description": "Webhook was set"}
    await asyncio.sleep(0.1)
    assert (await bot.get_webhook_info()).pending_update_count == 1
    _, body = await raw.call("deleteWebhook")
    assert body["description"] == "Webhook was deleted"
    updates = await bot.get_updates()
    assert [u.message.text for u in updates] == ["kept"]


async def test_method_in_webhook_response_is_executed(emu, bot, receiver):
    target, url = receiver
    target.reply = {
        "method": "sendMessage",
        "chat_id": 1001,
        "text": "from reply",
        "reply_markup": json.dumps({"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}),
    }
    await bot.set_webhook(url)
    user = emu.user(1001)
    await user.send("hi")
    (message,) = await user.wait_messages()
    assert message.text == "from reply" and message.buttons == ["A"]


@pytest.mark.parametrize("in_background", [True, False])
async def test_aiogram_webhook_handler_end_to_end(emu, bot, in_background):
    from aiogram import Dispatcher, F
    from aiogram.types import Message
    from aiogram.webhook.aiohttp_server import SimpleRequestHandler

    dp = Dispatcher()

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        # Without background handling aiogram answers in the webhook response body.
        await message.answer(f"echo: {message.text}")

    app = web.Application()
    SimpleRequestHandler(dp, bot, handle_in_background=in_background, secret_token="tok").register(
        app, path="/wh"
    )
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        await bot.set_webhook(str(server.make_url("/wh")), secret_token="tok")
        user = emu.user(1001)
        await user.send("ping")
        (reply,) = await user.wait_messages()
        assert reply.text == "echo: ping"
        # A wrong secret is refused by aiogram, so delivery keeps failing.
        await bot.set_webhook(str(server.make_url("/wh")), secret_token="wrong")
        await user.send("lost")
        with pytest.raises(AssertionError):
            await user.wait_messages(timeout=0.5)
        assert (await bot.get_webhook_info()).pending_update_count == 1
    finally:
        await bot.delete_webhook()
        await server.close()
