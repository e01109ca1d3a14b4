"""Simulated people and groups that talk to the bot through the emulator."""

from __future__ import annotations

import asyncio
import copy
import time
from typing import Any

from bot.emulator import web_app
from bot.emulator.formatting import utf16_len
from bot.emulator.models import BotMessage, CallbackAnswer, ChatState
from bot.emulator.state import EmulatorState, PendingCallback


def _command_entities(text: str) -> list[dict[str, Any]]:
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]


def _member(user: dict[str, Any], status: str) -> dict[str, Any]:
    member: dict[str, Any] = {"user": user, "status": status}
    if status == "kicked":
        member["until_date"] = 0
    return member


class _ChatView:
    """What a test sees of one chat: the bot's messages and a way to wait for new ones."""

    def __init__(self, state: EmulatorState, chat: ChatState) -> None:
        self.state = state
        self.chat = chat
        self._read = 0  # index of the first bot message not yet returned by wait_messages

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def messages(self) -> list[BotMessage]:
        return list(self.state.bot_messages.get(self.chat.id, []))

    @property
    def last_message(self) -> BotMessage | None:
        messages = self.state.bot_messages.get(self.chat.id)
        return messages[-1] if messages else None

    def transcript(self) -> str:
        return self.state.transcript(self.chat.id)

    def mark_read(self) -> None:
        """Treat every bot message so far as read: the next wait_messages waits for new ones."""
        self._read = len(self.state.bot_messages.get(self.chat.id, []))

    async def wait_messages(self, n: int = 1, timeout: float = 15.0) -> list[BotMessage]:  # noqa: ASYNC109 (public API)
        """The next `n` bot messages in this chat, as soon as they are there (the timeout only
        bounds a failing wait: generous, as a loaded machine may be slow)."""
        deadline = time.monotonic() + timeout
        while True:
            new = self.state.bot_messages.get(self.chat.id, [])[self._read :]
            if len(new) >= n:
                self._read += n
                return new[:n]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"expected {n} new bot message(s) in chat {self.chat.id} within {timeout}s, "
                    f"got {len(new)}; transcript:\n{self.transcript()}"
                )
            await self.state.message_signal.wait(remaining)

    def _chat_instance(self) -> str:
        return str((self.chat.id * 1_000_003 + self.state.bot_id) % 10**18)

    def _post(self, sender: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
        raw = self.state.store_message(self.chat, sender, fields)
        self.state.queue.push("message", copy.deepcopy(raw))
        return raw

    def _find_button(self, text: str) -> tuple[dict[str, Any], dict[str, Any]]:
        available: list[str] = []
        for message in reversed(self.state.bot_messages.get(self.chat.id, [])):
            if message.deleted:
                continue
            for button in message.inline_buttons():
                if button.get("text") == text:
                    return message.raw, button
                available.append(f"#{message.message_id}: {button.get('text')!r}")
        raise AssertionError(
            f"no inline button {text!r} in chat {self.chat.id}; available buttons: "
            f"{available or 'none'}\ntranscript:\n{self.transcript()}"
        )

    def _callback(self, user: dict[str, Any], raw: dict[str, Any], data: str) -> dict[str, Any]:
        query_id = self.state.new_callback_id()
        self.state.callbacks[query_id] = PendingCallback(user["id"], self.chat.id)
        query = {
            "id": query_id,
            "from": user,
            "message": copy.deepcopy(raw),
            "chat_instance": self._chat_instance(),
            "data": data,
        }
        self.state.queue.push("callback_query", query)
        return query

    def _press(self, user: dict[str, Any], text: str) -> dict[str, Any]:
        raw, button = self._find_button(text)
        if "callback_data" not in button:
            raise AssertionError(f"button {text!r} has no callback_data: {button}")
        return self._callback(user, raw, button["callback_data"])

    def _press_data(
        self, user: dict[str, Any], data: str, message_id: int | None
    ) -> dict[str, Any]:
        if message_id is None:
            live = [m for m in self.state.bot_messages.get(self.chat.id, []) if not m.deleted]
            if not live:
                raise AssertionError(f"no bot message in chat {self.chat.id} to press on")
            raw = live[-1].raw
        else:
            found = self.state.raw_messages.get((self.chat.id, message_id))
            if found is None:
                raise AssertionError(f"no message #{message_id} in chat {self.chat.id}")
            raw = found
        return self._callback(user, raw, data)


class SimUser(_ChatView):
    """A person; their private chat with the bot has chat id == user id."""

    def __init__(
        self,
        state: EmulatorState,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
    ) -> None:
        chat = state.chats.get(user_id) or ChatState(user_id, "private")
        chat.first_name, chat.last_name, chat.username = first_name, last_name, username
        state.chats[user_id] = chat
        super().__init__(state, chat)
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        state.users[user_id] = self.as_user()

    def as_user(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data

    def open_web_app(self, text: str, *, auth_date: int | None = None) -> str:
        """Press an inline button that opens a Mini App: the URL a Telegram client loads, with
        this person's initData signed by the bot's token in the fragment."""
        _, button = self._find_button(text)
        if "web_app" not in button:
            raise AssertionError(f"button {text!r} opens no Mini App: {button}")
        signed = web_app.init_data(self.state.token, self.as_user(), auth_date=auth_date)
        return web_app.launch_url(button["web_app"]["url"], signed)

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return list(self.state.callback_answers.get(self.id, []))

    def _write(self, fields: dict[str, Any]) -> dict[str, Any]:
        # Writing to a blocked bot unblocks it, as pressing "Restart" does in Telegram.
        if self.chat.blocked:
            self.set_blocked(False)
        self.chat.known = True
        return self._post(self.as_user(), fields)

    async def send(self, text: str) -> dict[str, Any]:
        fields: dict[str, Any] = {"text": text}
        entities = _command_entities(text)
        if entities:
            fields["entities"] = entities
        await asyncio.sleep(0)
        return self._write(fields)

    async def send_document(
        self,
        filename: str = "file.bin",
        content: bytes = b"document",
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> dict[str, Any]:
        stored = self.state.add_file(content, "documents", filename, mime_type or _guess(filename))
        fields: dict[str, Any] = {
            "document": {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": filename,
                "mime_type": stored.mime_type,
                "file_size": len(content),
            }
        }
        if caption:
            fields["caption"] = caption
        return self._write(fields)

    async def send_photo(
        self, content: bytes = b"\x89PNG fake", caption: str | None = None
    ) -> dict[str, Any]:
        stored = self.state.add_file(content, "photos", "photo.jpg", "image/jpeg")
        size = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(content),
            "width": 320,
            "height": 320,
        }
        fields: dict[str, Any] = {"photo": [size]}
        if caption:
            fields["caption"] = caption
        return self._write(fields)

    async def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        stored = self.state.add_file(b"sticker", "stickers", "sticker.webp", "image/webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": len(stored.content),
        }
        return self._write({"sticker": sticker})

    async def send_voice(self, content: bytes = b"OggS voice", duration: int = 3) -> dict[str, Any]:
        stored = self.state.add_file(content, "voice", "voice.oga", "audio/ogg")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(content),
        }
        return self._write({"voice": voice})

    async def edit(self, message_id: int, text: str) -> dict[str, Any]:
        raw = self.state.live_message(self.chat.id, message_id)
        if raw is None or raw["from"].get("id") != self.id:
            raise AssertionError(f"user {self.id} has no message #{message_id} to edit")
        raw["text"] = text
        raw["edit_date"] = int(time.time())
        entities = _command_entities(text)
        if entities:
            raw["entities"] = entities
        else:
            raw.pop("entities", None)
        self.state.queue.push("edited_message", copy.deepcopy(raw))
        return raw

    async def press(self, text: str) -> dict[str, Any]:
        return self._press(self.as_user(), text)

    async def press_data(self, data: str, message_id: int | None = None) -> dict[str, Any]:
        return self._press_data(self.as_user(), data, message_id)

    def set_blocked(self, blocked: bool) -> None:
        """Block or unblock the bot and queue the my_chat_member update Telegram sends."""
        if self.chat.blocked == blocked:
            return
        self.chat.blocked = blocked
        self.chat.known = True
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        bot = self.state.bot_user()
        self.state.queue.push(
            "my_chat_member",
            {
                "chat": self.chat.as_chat(),
                "from": self.as_user(),
                "date": int(time.time()),
                "old_chat_member": _member(bot, old),
                "new_chat_member": _member(bot, new),
            },
        )


class SimGroup(_ChatView):
    """A supergroup; the bot knows it once added."""

    def __init__(self, state: EmulatorState, chat_id: int, title: str) -> None:
        chat = state.chats.get(chat_id) or ChatState(chat_id, "supergroup", title=title)
        state.chats[chat_id] = chat
        super().__init__(state, chat)
        self.id = chat_id
        self.title = title

    def _membership(self, by: SimUser, old: str, new: str) -> dict[str, Any]:
        update = {
            "chat": self.chat.as_chat(),
            "from": by.as_user(),
            "date": int(time.time()),
            "old_chat_member": _member(self.state.bot_user(), old),
            "new_chat_member": _member(self.state.bot_user(), new),
        }
        return self.state.queue.push("my_chat_member", update)

    async def add_bot(self, by: SimUser) -> dict[str, Any]:
        self.chat.known = True
        self.chat.blocked = False
        return self._membership(by, "left", "member")

    async def remove_bot(self, by: SimUser) -> dict[str, Any]:
        self.chat.blocked = True
        return self._membership(by, "member", "kicked")

    async def send(self, user: SimUser, text: str) -> dict[str, Any]:
        fields: dict[str, Any] = {"text": text}
        entities = _command_entities(text)
        if entities:
            fields["entities"] = entities
        return self._post(user.as_user(), fields)

    async def press(self, user: SimUser, text: str) -> dict[str, Any]:
        return self._press(user.as_user(), text)

    async def press_data(
        self, user: SimUser, data: str, message_id: int | None = None
    ) -> dict[str, Any]:
        return self._press_data(user.as_user(), data, message_id)


def _guess(filename: str) -> str:
    import mimetypes

    return mimetypes.guess_type(filename)[0] or "application/octet-stream"
