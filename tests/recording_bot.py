"""A Bot whose session records requests instead of calling Telegram, for fast tests that
feed updates straight into the Dispatcher."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.methods import GetMe, SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, Message, User


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self._message_id = 0

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType],
                           timeout: int | None = None) -> TelegramType:  # noqa: ASYNC109
        self.requests.append(method)
        if isinstance(method, SendMessage):
            self._message_id += 1
            return Message(  # type: ignore[return-value]
                message_id=self._message_id, date=datetime.now(UTC),
                chat=Chat(id=int(method.chat_id), type="private"), text=method.text,
            )
        if isinstance(method, GetMe):
            return User(id=42, is_bot=True, first_name="Mentor",  # type: ignore[return-value]
                        username="mentorbot_test_bot")
        return True  # type: ignore[return-value]

    async def stream_content(self, url: str, headers: dict[str, Any] | None = None,
                             timeout: int = 30, chunk_size: int = 65536,  # noqa: ASYNC109
                             raise_for_status: bool = True) -> AsyncGenerator[bytes, None]:
        yield b""

    async def close(self) -> None:
        return None

    def texts(self) -> list[str]:
        return [r.text for r in self.requests if isinstance(r, SendMessage)]


def create_recording_bot() -> Bot:
    return Bot("42:TEST", session=RecordingSession(),
               default=DefaultBotProperties(parse_mode=ParseMode.HTML))
