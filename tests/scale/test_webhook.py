"""Webhook mode in this process: the secret header, the health endpoint, a conversation over
the webhook, duplicate deliveries (webhook and polling) with one effect, graceful shutdown."""

from __future__ import annotations

import asyncio
import copy
import logging

import aiohttp
from aiogram.types import Update
from sqlalchemy import func, select

from bot.emulator import Fault
from bot.emulator.live import live_bot
from bot.emulator.live_webhook import TEST_SECRET, live_webhook_bot
from bot.emulator.seed import seed_programme
from bot.runtime.webhook import SECRET_HEADER
from models import ConsentRecord
from tests.texts import t


def hook_url(live) -> str:
    s = live.app.settings
    return f"http://{s.webhook_host}:{s.webhook_port}{s.webhook_path}"


def health_url(live) -> str:
    s = live.app.settings
    return f"http://{s.webhook_host}:{s.webhook_port}/health"


async def post(url: str, body: dict, secret: str | None) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with aiohttp.ClientSession() as http, http.post(url, json=body, headers=headers) as r:
        return r.status


async def test_set_webhook_and_a_conversation_over_it(settings, emulator):
    async with live_webhook_bot(settings, emulator) as live:
        (call,) = [c for c in emulator.calls if c.method == "setWebhook"]
        assert call.params["url"] == hook_url(live)
        assert call.params["secret_token"] == TEST_SECRET
        assert str(call.params.get("drop_pending_updates", "false")).lower() == "false"
        assert "callback_query" in emulator.state.queue.allowed_updates

        user = emulator.user(501, language_code="ru")
        await user.send("/timezone")
        (prompt,) = await user.wait_messages(1)
        assert "часовой пояс" in prompt.text
        await user.send("Asia/Yekaterinburg")
        (done,) = await user.wait_messages(1)
        assert "Часовой пояс сохранён: Asia/Yekaterinburg" in done.text
        await user.send("/language")
        await user.wait_messages(1)
        await user.press("English")
        await live.handled()
        assert user.last_message.text == "Done: I will speak English now."


async def test_wrong_or_missing_secret_gets_401_and_a_log_line(settings, emulator, caplog):
    async with live_webhook_bot(settings, emulator) as live:
        update = {"update_id": 999, "message": {
            "message_id": 1, "date": 0, "text": "/help",
            "chat": {"id": 77, "type": "private"}, "from": {"id": 77, "is_bot": False,
                                                             "first_name": "X"}}}
        with caplog.at_level(logging.WARNING, logger="mentorbot.webhook"):
            assert await post(hook_url(live), update, None) == 401
            assert await post(hook_url(live), update, "guessed-secret") == 401
        assert not [c for c in emulator.calls if c.method == "sendMessage"]
        lines = [r.getMessage() for r in caplog.records if r.name == "mentorbot.webhook"]
        assert any("missing secret" in line and "401" in line for line in lines)
        assert any("wrong secret" in line and "401" in line for line in lines)
        assert not any("guessed-secret" in line or TEST_SECRET in line for line in lines)
        # the right secret is accepted and the update handled
        assert await post(hook_url(live), update, TEST_SECRET) == 200


async def test_health_reports_database_and_redis(settings, emulator, redis_url):
    async with live_webhook_bot(settings, emulator) as live:
        async with aiohttp.ClientSession() as http, http.get(health_url(live)) as r:
            assert r.status == 200
            body = await r.json()
        assert body["database"] == "ok" and body["redis"] == "not configured"
        assert body["scheduler"] in ("leader", "follower")

    with_redis = settings.model_copy(update={"redis_url": redis_url})
    async with live_webhook_bot(with_redis, emulator) as live:
        async with aiohttp.ClientSession() as http, http.get(health_url(live)) as r:
            assert r.status == 200
            assert (await r.json())["redis"] == "ok"

    dead_redis = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    async with live_webhook_bot(dead_redis, emulator) as live:
        async with aiohttp.ClientSession() as http, http.get(health_url(live)) as r:
            assert r.status == 503
            body = await r.json()
        assert body["database"] == "ok" and body["redis"].startswith("failed")


async def _to_consent(user) -> None:
    await user.press(t("age_group.18_plus"))
    (consent,) = await user.wait_messages(1)
    assert "Согласие на обработку персональных данных" in consent.text


async def consent_count(app) -> int:
    async with app.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(ConsentRecord))


async def test_same_webhook_update_posted_twice_has_one_effect(settings, emulator):
    async with live_webhook_bot(settings, emulator) as live:
        seeded = await seed_programme(live.app)
        user = emulator.user(601, first_name="Анна")
        await user.send(f"/start {seeded.mentor_token}")
        await user.wait_messages(2)
        await _to_consent(user)
        await user.press(t("consent.accept"))
        update = copy.deepcopy(emulator.state.queue.pending[-1])
        await user.wait_messages(2)
        await live.handled()
        replies = len(user.messages)
        # Telegram retries a delivery whose answer it did not get: the same update again.
        assert await post(hook_url(live), update, TEST_SECRET) == 200
        await live.handled()
        assert await consent_count(live.app) == 1
        assert len(user.messages) == replies


async def test_same_polling_update_handled_twice_has_one_effect(settings, emulator):
    async with live_bot(settings, emulator) as live:
        seeded = await seed_programme(live.app)
        user = emulator.user(602, first_name="Анна")
        await user.send(f"/start {seeded.mentor_token}")
        await user.wait_messages(2)
        await _to_consent(user)
        await user.press(t("consent.accept"))
        raw = copy.deepcopy(emulator.state.queue.pending[-1])
        await user.wait_messages(2)
        # Finished for good: out of the update journal, its sent replies no longer owed.
        await live.journal_cleared()
        replies = len(user.messages)
        # A restart between handling and confirming the offset hands the update out again.
        update = Update.model_validate(raw, context={"bot": live.bot})
        await live.app.dispatcher.feed_update(live.bot, update)
        await live.handled()
        assert await consent_count(live.app) == 1
        assert len(user.messages) == replies


async def test_shutdown_finishes_the_update_in_flight(settings, emulator):
    async with live_webhook_bot(settings, emulator) as live:
        user = emulator.user(701)
        emulator.inject(Fault("slow", method="sendMessage", delay=1.5))
        await user.send("/language")
        for _ in range(500):
            if live.in_flight.count:
                break
            await asyncio.sleep(0.02)
        live.app.extras["stop"].set()  # what SIGTERM does
        await asyncio.wait_for(live.task, 20)
        # the reply went out and the update was answered (not left for redelivery)
        assert user.last_message is not None and user.last_message.text == t("language.choose")
        assert not emulator.state.queue.pending
        assert not live.app.dispatcher["scheduler"].running


def test_webhook_mode_needs_a_secret_and_a_url_and_says_how(tmp_path):
    from tests.test_settings import run_cli

    env = {"BOT_TOKEN": "123456:" + "A" * 30, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"}
    done = run_cli("run", "--webhook", env=env, cwd=tmp_path)
    assert done.returncode == 2
    assert "WEBHOOK_SECRET" in done.stderr and "secrets.token_urlsafe" in done.stderr
    done = run_cli("run", env={**env, "BOT_MODE": "webhook", "WEBHOOK_SECRET": "s3cret"},
                   cwd=tmp_path)
    assert done.returncode == 2 and "WEBHOOK_URL" in done.stderr
    done = run_cli("run", "--webhook", env={**env, "WEBHOOK_SECRET": "s3cret",
                                             "WEBHOOK_URL": "http://bot.example.com/telegram"},
                   cwd=tmp_path)
    assert done.returncode == 2 and "Invalid setting WEBHOOK_URL" in done.stderr
    done = run_cli("run", "--webhook", env={**env, "WEBHOOK_SECRET": "has spaces!",
                                             "WEBHOOK_URL": "https://bot.example.com/t"},
                   cwd=tmp_path)
    assert done.returncode == 2 and "Invalid setting WEBHOOK_SECRET" in done.stderr
    assert "has spaces" not in done.stderr


async def test_redelivered_press_whose_edit_already_went_out_still_saves(settings, emulator):
    """The first attempt edited the message, then died before its commit; the second attempt's
    identical edit gets "message is not modified" and must not roll the choice back."""
    from sqlalchemy import delete, update

    from models import User
    from models.processed_update import ProcessedUpdate

    async with live_bot(settings, emulator) as live:
        user = emulator.user(603, language_code="ru")
        await user.send("/language")
        await user.wait_messages(1)
        await user.press("English")
        pressed = emulator.state.queue.accepted_ids[-1]
        await live.handled()
        assert user.last_message.text == "Done: I will speak English now."
        async with live.app.sessionmaker() as session, session.begin():  # the lost commit
            await session.execute(update(User).where(User.telegram_id == 603).values(locale="ru"))
            await session.execute(delete(ProcessedUpdate).where(
                ProcessedUpdate.update_id == pressed))
        replies = len(user.messages)
        raw = emulator.state.delivered_update(pressed)
        await live.app.dispatcher.feed_update(
            live.bot, Update.model_validate(raw, context={"bot": live.bot}))
        await live.handled()
        async with live.app.sessionmaker() as session:
            assert await session.scalar(select(User.locale).where(User.telegram_id == 603)) == "en"
        assert len(user.messages) == replies  # no apology for a failed edit
