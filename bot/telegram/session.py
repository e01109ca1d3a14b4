"""Bot API requests as JSON bodies.

aiogram sends every request as a form: each nested value JSON-encoded, then the whole form
URL-encoded, through a multipart writer aiohttp builds for every form. The Bot API takes JSON
bodies for every method except file uploads; one orjson call does the whole request. Requests
with files still go as multipart forms (aiogram's own path)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, cast

import orjson
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import ClientError, ClientTimeout

from bot.telegram.tuning import json_request_fields

if TYPE_CHECKING:
    from aiogram import Bot

_JSON = {"Content-Type": "application/json"}

# Set while requests whose answers nobody reads are sent (the replies an update kept until its
# commit, bot/runtime/update_unit.py): a successful answer is then not read into aiogram's
# types (a Message with its chat, sender and keyboard: pydantic's work for nothing, issue #21).
answer_unread: ContextVar[bool] = ContextVar("bot_api_answer_unread", default=False)


class _Unread:
    """What a request sent with `answer_unread` returns: the answer was not read."""

    __slots__ = ()
    result = None


_UNREAD = _Unread()


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


class JsonBodySession(AiohttpSession):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("json_loads", orjson.loads)
        kwargs.setdefault("json_dumps", _dumps)
        super().__init__(**kwargs)

    def json_body(self, bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
        """The request as JSON, or None when it uploads a file (bot/telegram/tuning.py,
        json_requests)."""
        fields = json_request_fields(self, bot, method)
        return None if fields is None else orjson.dumps(fields)

    def check_response(self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int,
                       content: str) -> Any:
        if answer_unread.get() and status_code == 200:
            try:
                answer = orjson.loads(content)
            except orjson.JSONDecodeError:
                answer = None
            if isinstance(answer, dict) and answer.get("ok") is True:
                return _UNREAD
        # Errors (and answers someone reads) as aiogram reads them.
        return super().check_response(bot=bot, method=method, status_code=status_code,
                                      content=content)

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType],
                           timeout: int | None = None) -> TelegramType:  # noqa: ASYNC109 (aiogram's signature)
        body = self.json_body(bot, method)
        if body is None:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        request_timeout = ClientTimeout(total=self.timeout if timeout is None else timeout)
        try:
            async with session.post(url, data=body, headers=_JSON,
                                    timeout=request_timeout) as resp:
                raw_result = await resp.text()
        except TimeoutError as e:
            raise TelegramNetworkError(method=method, message="Request timeout error") from e
        except ClientError as e:
            raise TelegramNetworkError(method=method, message=f"{type(e).__name__}: {e}") from e
        response = self.check_response(bot=bot, method=method, status_code=resp.status,
                                       content=raw_result)
        return cast(TelegramType, response.result)
