"""Bot API requests as JSON bodies.

aiogram sends every request as a form: each nested value JSON-encoded, then the whole form
URL-encoded, through a multipart writer aiohttp builds for every form. The Bot API takes JSON
bodies for every method except file uploads; one orjson call does the whole request. Requests
with files still go as multipart forms (aiogram's own path)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import orjson
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import ClientError

from bot.telegram.tuning import json_request_fields

if TYPE_CHECKING:
    from aiogram import Bot

_JSON = {"Content-Type": "application/json"}


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

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType],
                           timeout: int | None = None) -> TelegramType:  # noqa: ASYNC109 (aiogram's signature)
        body = self.json_body(bot, method)
        if body is None:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(url, data=body, headers=_JSON,
                                    timeout=self.timeout if timeout is None else timeout) as resp:
                raw_result = await resp.text()
        except TimeoutError as e:
            raise TelegramNetworkError(method=method, message="Request timeout error") from e
        except ClientError as e:
            raise TelegramNetworkError(method=method, message=f"{type(e).__name__}: {e}") from e
        response = self.check_response(bot=bot, method=method, status_code=resp.status,
                                       content=raw_result)
        return cast(TelegramType, response.result)
