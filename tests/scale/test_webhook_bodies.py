"""Webhook bodies that are not updates get 400 and one short log line; no log record ever holds
what a person wrote, not even inside an exception's message (issue #16, item 6)."""

from __future__ import annotations

import logging

import aiohttp
import orjson
import pytest
from sqlalchemy.exc import IntegrityError

from bot.emulator.live_webhook import TEST_SECRET, live_webhook_bot
from bot.runtime import log_privacy
from bot.runtime.webhook import SECRET_HEADER

SECRET_TEXT = "Секретик-вебхука 4242"


def hook_url(live) -> str:
    s = live.app.settings
    return f"http://{s.webhook_host}:{s.webhook_port}{s.webhook_path}"


async def post_raw(url: str, body: bytes) -> int:
    headers = {SECRET_HEADER: TEST_SECRET, "Content-Type": "application/json"}
    async with aiohttp.ClientSession() as http, http.post(url, data=body, headers=headers) as r:
        return r.status


def everything_logged(records: list[logging.LogRecord]) -> str:
    """Each record as any handler could print it: message, arguments, traceback."""
    formatter = logging.Formatter()
    return "\n".join(f"{formatter.format(r)}\n{r.args!r}\n{r.exc_text or ''}" for r in records)


def message(text: str, **fields) -> dict:
    return {"message_id": 1, "date": 0, "text": text, **fields}


BODIES = {
    "not JSON": b'{"update_id": 1, "message": ' + SECRET_TEXT.encode(),
    "empty": b"",
    "a list": b"[]",
    "a string": orjson.dumps(SECRET_TEXT),
    "no chat": orjson.dumps({"update_id": 11, "message": message(SECRET_TEXT)}),
    "no sender kind": orjson.dumps({"update_id": 12}),
    "wrong types": orjson.dumps({"update_id": SECRET_TEXT, "message": message(SECRET_TEXT)}),
}


async def test_bodies_that_are_not_updates_get_400_and_one_short_line(settings, emulator,
                                                                      caplog):
    caplog.set_level(logging.INFO)
    async with live_webhook_bot(settings, emulator) as live:
        url = hook_url(live)
        for name, body in BODIES.items():
            caplog.clear()
            assert await post_raw(url, body) == 400, name
            refusals = [r for r in caplog.records if "refused with 400" in r.getMessage()]
            assert len(refusals) == 1, (name, [r.getMessage() for r in caplog.records])
            line = refusals[0].getMessage()
            assert len(line) < 200 and "\n" not in line, line
            assert not [r for r in caplog.records if r.levelno >= logging.ERROR], name
            assert not [r for r in caplog.records if r.exc_text or r.exc_info], name
            assert SECRET_TEXT not in everything_logged(caplog.records), name
        # a real update still goes through
        user = emulator.user(515, language_code="ru")
        await user.send("/help")
        (reply,) = await user.wait_messages(1)
        assert reply.text


def test_exception_messages_reach_the_log_without_the_data(caplog):
    """The mechanism itself, for the kinds of exception that quote their input."""
    from aiogram.types import Update

    log_privacy.install()
    log = logging.getLogger("mentorbot.test_privacy")
    caplog.set_level(logging.INFO)
    with pytest.raises(Exception) as validation:
        Update.model_validate({"update_id": 1, "message": message(SECRET_TEXT)})
    try:
        try:
            int(SECRET_TEXT)
        except ValueError as exc:
            raise RuntimeError(f"could not handle {SECRET_TEXT}") from exc
    except RuntimeError:
        log.exception("update %s failed", 1)
    statement = IntegrityError("INSERT INTO participations (full_name) VALUES (?)",
                               (SECRET_TEXT,), Exception("UNIQUE constraint failed"))
    log.error("commit failed", exc_info=statement)
    log.error("aiogram style: %s: %s", "ValidationError", validation.value)
    log.error("failed", exc_info=validation.value)
    log.warning(validation.value)
    logged = everything_logged(caplog.records)
    assert SECRET_TEXT not in logged
    assert SECRET_TEXT not in caplog.text
    # still useful: the kinds of error, where they happened, the statement without its values
    assert "RuntimeError" in logged and "ValueError" in logged
    assert "test_exception_messages_reach_the_log_without_the_data" in logged
    assert "INSERT INTO participations" in logged and "message.chat: missing" in logged


async def test_a_handler_failing_on_a_message_logs_no_text_of_it(settings, emulator, caplog,
                                                               monkeypatch):
    """An exception raised while a person's update is handled, its message quoting their text,
    reaches the errors router's log line without that text; the person gets the apology."""
    import handlers.general.settings

    def parse_timezone(text: str):
        raise ValueError(f"unknown zone {text!r}")

    monkeypatch.setattr(handlers.general.settings, "parse_timezone", parse_timezone)
    caplog.set_level(logging.INFO)
    async with live_webhook_bot(settings, emulator) as live:
        user = emulator.user(516, language_code="ru")
        await user.send("/timezone")
        await user.wait_messages(1)
        await user.send(SECRET_TEXT)
        (apology,) = await user.wait_messages(1)
        await live.handled()
    assert "что-то пошло не так" in apology.text
    failures = [r for r in caplog.records if r.name == "mentorbot.errors"]
    assert failures and "ValueError" in (failures[0].exc_text or "")
    assert SECRET_TEXT not in everything_logged(caplog.records)
