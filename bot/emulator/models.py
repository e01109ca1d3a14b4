"""Plain data the emulator keeps: chats, stored files, bot messages, recorded calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class ApiError(Exception):
    """A Bot API error answer; raised by method code, turned into JSON by the server."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(text: str) -> ApiError:
    return ApiError(400, f"Bad Request: {text}")


def chat_not_found() -> ApiError:
    return bad_request("chat not found")


def blocked() -> ApiError:
    return ApiError(403, "Forbidden: bot was blocked by the user")


@dataclass
class ChatState:
    """A chat the bot may know about (private chat of a user, or a supergroup)."""

    id: int
    type: str  # "private" | "supergroup"
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None
    known: bool = False  # private: user wrote to the bot; group: bot was added
    blocked: bool = False  # private: user blocked the bot; group: bot was kicked
    next_message_id: int = 1

    def as_chat(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "last_name", "username"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes
    kind: str  # "documents", "photos", "voice", "stickers"
    filename: str | None = None
    mime_type: str | None = None

    @property
    def file_path(self) -> str:
        suffix = ""
        if self.filename and "." in self.filename:
            suffix = "." + self.filename.rsplit(".", 1)[1]
        return f"{self.kind}/file_{self.file_unique_id}{suffix}"


@dataclass
class Document:
    filename: str | None
    content: bytes
    mime_type: str | None


@dataclass
class BotMessage:
    """A message the bot sent, in its current state (edits applied, deletion flagged)."""

    message_id: int
    chat_id: int
    text: str | None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    date: int
    raw: dict[str, Any]
    document: Document | None = None
    photo: bytes | None = None
    edited: bool = False
    deleted: bool = False

    @property
    def buttons(self) -> list[str]:
        return [button["text"] for button in self.inline_buttons()]

    def inline_buttons(self) -> list[dict[str, Any]]:
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or []
        return [button for row in rows for button in row]

    def button_data(self, text: str) -> str | None:
        for button in self.inline_buttons():
            if button.get("text") == text:
                return button.get("callback_data")
        raise KeyError(f"no inline button {text!r}; buttons: {self.buttons}")


@dataclass
class CallbackAnswer:
    query_id: str
    text: str | None
    show_alert: bool
    url: str | None = None


@dataclass
class RecordedCall:
    method: str
    params: dict[str, Any]
    time: float
    response_ok: bool = False
    error_code: int | None = None
    result: Any = None
