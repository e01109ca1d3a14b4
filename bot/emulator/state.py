"""Everything the emulated Telegram remembers: chats, messages, files, callbacks, commands."""

from __future__ import annotations

import copy
import itertools
import secrets
import time
from dataclasses import dataclass
from typing import Any

from bot.emulator.models import (
    ApiError,
    BotMessage,
    ChatState,
    Document,
    StoredFile,
    chat_not_found,
)
from bot.emulator.updates import Signal, UpdateQueue


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class PendingCallback:
    user_id: int
    chat_id: int | None
    answered: bool = False


class EmulatorState:
    def __init__(self, bot_id: int, bot_username: str, strict_html_amp: bool = True,
                 strict_plain_text: bool = True) -> None:
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.token = ""  # set by the server
        self.bot_first_name = "Mentorbot"
        self.strict_html_amp = strict_html_amp
        self.strict_plain_text = strict_plain_text
        self.chats: dict[int, ChatState] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.history: dict[int, list[dict[str, Any]]] = {}
        self.raw_messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.bot_messages: dict[int, list[BotMessage]] = {}
        self.deleted: set[tuple[int, int]] = set()
        self.files: dict[str, StoredFile] = {}
        self.callbacks: dict[str, PendingCallback] = {}
        self.callback_answers: dict[int, list[Any]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.webhook: WebhookConfig | None = None
        self.queue = UpdateQueue()
        self.message_signal = Signal()
        self._ids = itertools.count(1)

    def delivered_update(self, update_id: int) -> dict[str, Any]:
        """A copy of an update handed out before (to deliver it a second time)."""
        return copy.deepcopy(self.queue.history[update_id])

    # --- identities -------------------------------------------------------
    def bot_user(self, bot_id: int | None = None) -> dict[str, Any]:
        return {
            "id": bot_id or self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def chat(self, chat_id: int) -> ChatState:
        if chat_id not in self.chats:
            raise chat_not_found()
        return self.chats[chat_id]

    def target_chat(self, raw_chat_id: Any) -> ChatState:
        """The chat a bot call addresses, with Telegram's errors for unknown/blocked chats."""
        if raw_chat_id in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat: ChatState | None = None
        if isinstance(raw_chat_id, str) and raw_chat_id.startswith("@"):
            chat = next((c for c in self.chats.values() if c.username == raw_chat_id[1:]), None)
        else:
            try:
                chat = self.chats.get(int(raw_chat_id))
            except (TypeError, ValueError):
                chat = None
        if chat is None or not chat.known:
            raise chat_not_found()
        if chat.blocked:
            if chat.type == "private":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            raise ApiError(403, "Forbidden: bot was kicked from the supergroup chat")
        return chat

    # --- files -------------------------------------------------------------
    def add_file(
        self, content: bytes, kind: str, filename: str | None = None, mime_type: str | None = None
    ) -> StoredFile:
        number = next(self._ids)
        stored = StoredFile(
            file_id=f"EMU{kind[:3].upper()}{number}-{secrets.token_urlsafe(12)}",
            file_unique_id=f"U{number}{secrets.token_hex(3)}",
            content=content,
            kind=kind,
            filename=filename,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, file_path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == file_path), None)

    def new_callback_id(self) -> str:
        return f"{next(self._ids)}{secrets.randbelow(10**12):012d}"

    # --- messages ------------------------------------------------------------
    def store_message(
        self, chat: ChatState, sender: dict[str, Any], fields: dict[str, Any]
    ) -> dict[str, Any]:
        raw = {
            "message_id": chat.take_message_id(),
            "from": sender,
            "chat": chat.as_chat(),
            "date": int(time.time()),
            **fields,
        }
        self.history.setdefault(chat.id, []).append(raw)
        self.raw_messages[(chat.id, raw["message_id"])] = raw
        return raw

    def store_bot_message(
        self,
        chat: ChatState,
        bot_id: int,
        fields: dict[str, Any],
        parse_mode: str | None,
        reply_markup: dict[str, Any] | None,
        document: Document | None = None,
        photo: bytes | None = None,
    ) -> BotMessage:
        if reply_markup and "inline_keyboard" in reply_markup:
            fields = {**fields, "reply_markup": reply_markup}
        raw = self.store_message(chat, self.bot_user(bot_id), fields)
        message = BotMessage(
            message_id=raw["message_id"],
            chat_id=chat.id,
            text=raw.get("text", raw.get("caption")),
            parse_mode=parse_mode,
            reply_markup=reply_markup,
            date=raw["date"],
            raw=raw,
            document=document,
            photo=photo,
        )
        self.bot_messages.setdefault(chat.id, []).append(message)
        self.message_signal.notify()
        return message

    def bot_message(self, chat_id: int, message_id: int) -> BotMessage | None:
        for message in self.bot_messages.get(chat_id, []):
            if message.message_id == message_id:
                return message
        return None

    def live_message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        if (chat_id, message_id) in self.deleted:
            return None
        return self.raw_messages.get((chat_id, message_id))

    def transcript(self, chat_id: int) -> str:
        lines = []
        for raw in self.history.get(chat_id, []):
            sender = "bot" if raw["from"].get("is_bot") else raw["from"].get("first_name", "?")
            body = raw.get("text") or raw.get("caption") or _content_kind(raw)
            flags = []
            if (chat_id, raw["message_id"]) in self.deleted:
                flags.append("deleted")
            if raw.get("edit_date"):
                flags.append("edited")
            markup = raw.get("reply_markup", {}).get("inline_keyboard")
            if markup:
                flags.append("buttons: " + ", ".join(b["text"] for row in markup for b in row))
            suffix = f" [{'; '.join(flags)}]" if flags else ""
            lines.append(f"  #{raw['message_id']} {sender}: {body!r}{suffix}")
        return "\n".join(lines) or "  (no messages)"


def _content_kind(raw: dict[str, Any]) -> str:
    for kind in ("document", "photo", "sticker", "voice"):
        if kind in raw:
            return f"<{kind}>"
    return "<empty>"
