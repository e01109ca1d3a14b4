"""What an update sends after its commit (its kept replies, bot/runtime/update_unit.py) is not
read back into aiogram's types: nobody reads those answers (issue #21). Errors still are, so
flood control and «message is not modified» work as before; answers someone reads are read."""

from __future__ import annotations

import orjson
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import SendMessage
from aiogram.methods.base import Response

from bot.telegram.session import JsonBodySession, answer_unread

SENT = orjson.dumps({"ok": True, "result": {
    "message_id": 5, "date": 1764950000, "chat": {"id": 7, "type": "private"},
    "from": {"id": 42, "is_bot": True, "first_name": "Mentor"}, "text": "Привет"}}).decode()


@pytest.fixture
def read_answers(monkeypatch):
    """Counts answers read into aiogram's types."""
    read: list[object] = []
    original = JsonBodySession.__mro__[1].check_response

    def counting(self, *args, **kwargs):
        read.append(kwargs.get("method"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(JsonBodySession.__mro__[1], "check_response", counting)
    return read


def _check(content: str, status: int = 200):
    session = JsonBodySession()
    bot = Bot("1:x", session=session)
    return session.check_response(bot=bot, method=SendMessage(chat_id=7, text="Привет"),
                                  status_code=status, content=content)


def test_a_kept_reply_is_not_read_back(read_answers):
    token = answer_unread.set(True)
    try:
        answer = _check(SENT)
    finally:
        answer_unread.reset(token)
    assert answer.result is None and read_answers == []


def test_an_answer_someone_reads_is_read_as_before(read_answers):
    answer = _check(SENT)
    assert isinstance(answer, Response) and answer.result.text == "Привет"
    assert len(read_answers) == 1


def test_errors_of_kept_replies_are_still_raised():
    token = answer_unread.set(True)
    try:
        with pytest.raises(TelegramBadRequest):
            _check('{"ok":false,"error_code":400,"description":"Bad Request: message is not '
                   'modified"}', 400)
        with pytest.raises(TelegramRetryAfter):
            _check('{"ok":false,"error_code":429,"description":"Too Many Requests",'
                   '"parameters":{"retry_after":3}}', 429)
    finally:
        answer_unread.reset(token)
