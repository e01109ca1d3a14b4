"""Synchronous Bot API methods operating on EmulatorState (shapes per core.telegram.org/bots/api)."""

from __future__ import annotations

import mimetypes
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.formatting import render_text
from bot.emulator.models import (
    ApiError,
    BotMessage,
    CallbackAnswer,
    ChatState,
    Document,
    bad_request,
)
from bot.emulator.params import Upload, get_bool, get_int
from bot.emulator.state import EmulatorState

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_DOWNLOAD = 20 * 1024 * 1024
SEND_METHODS = frozenset({"sendmessage", "senddocument", "sendphoto"})
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, Upload] = field(default_factory=dict)
    bot_id: int = 0
    # Checks the flood limits for a send to a chat (raises 429) and counts the send.
    rate_check: Callable[[int], None] = lambda chat_id: None


Handler = Callable[[EmulatorState, Call], Any]


# --- validation helpers -------------------------------------------------------
def _text(
    state: EmulatorState, raw: Any, parse_mode: str | None
) -> tuple[str, list[dict[str, Any]]]:
    if raw is None or not str(raw).strip():
        raise bad_request("message text is empty")
    text, entities = render_text(str(raw), parse_mode, state.strict_html_amp)
    if not text.strip():
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return text, entities


def _caption(state: EmulatorState, call: Call) -> dict[str, Any]:
    raw = call.params.get("caption")
    if not raw:
        return {}
    caption, entities = render_text(str(raw), call.params.get("parse_mode"), state.strict_html_amp)
    if len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    fields: dict[str, Any] = {"caption": caption}
    if entities:
        fields["caption_entities"] = entities
    return fields


def _button_error(detail: str) -> ApiError:
    return bad_request(f"can't parse inline keyboard button: {detail}")


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise _button_error("InlineKeyboardButton must be an Object")
    if not str(button.get("text") or "").strip():
        raise _button_error("Text must be non-empty")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
        return
    if "url" in button:
        if not re.match(r"^(https?|tg)://\S+$", str(button["url"])):
            raise bad_request("BUTTON_URL_INVALID")
        return
    action_keys = {
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
    if not action_keys & button.keys():
        raise _button_error("Text buttons are unallowed in the inline keyboard")


def validate_markup(markup: Any) -> dict[str, Any] | None:
    if markup in (None, ""):
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'can\'t parse inline keyboard: Field "inline_keyboard" must be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                _check_inline_button(button)
    elif "keyboard" in markup:
        for row in markup["keyboard"]:
            for button in row:
                text = button if isinstance(button, str) else (button or {}).get("text")
                if not text:
                    raise bad_request("can't parse keyboard button: Text must be non-empty")
    elif not {"remove_keyboard", "force_reply"} & markup.keys():
        raise bad_request('can\'t find field "inline_keyboard"')
    return markup


def _reply_fields(state: EmulatorState, chat: ChatState, params: dict[str, Any]) -> dict[str, Any]:
    reply_to = params.get("reply_parameters") or {}
    message_id = reply_to.get("message_id") if isinstance(reply_to, dict) else None
    message_id = message_id or params.get("reply_to_message_id")
    if not message_id:
        return {}
    original = state.live_message(chat.id, int(message_id))
    if original is None:
        if isinstance(reply_to, dict) and reply_to.get("allow_sending_without_reply"):
            return {}
        raise bad_request("message to be replied not found")
    return {"reply_to_message": {k: v for k, v in original.items() if k != "reply_to_message"}}


def _resolve_upload(state: EmulatorState, call: Call, key: str, kind: str) -> tuple[Upload, Any]:
    """The file behind a send* field: an upload (attach://name) or an earlier file_id."""
    value = call.params.get(key)
    upload: Upload | None = None
    if isinstance(value, str) and value.startswith("attach://"):
        upload = call.files.get(value[len("attach://") :])
    elif key in call.files:
        upload = call.files[key]
    if upload is not None:
        if not upload.content:
            raise bad_request("file must be non-empty")
        return upload, None
    if not value:
        raise bad_request(f"there is no {key} in the request")
    stored = state.files.get(str(value))
    if stored is not None:
        return Upload(stored.filename, stored.content, stored.mime_type), stored
    if str(value).startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    raise bad_request("wrong file identifier/HTTP URL specified")


def _mime(upload: Upload) -> str:
    if upload.content_type and upload.content_type != "application/octet-stream":
        return upload.content_type
    guessed, _ = mimetypes.guess_type(upload.filename or "")
    return guessed or "application/octet-stream"


# --- methods --------------------------------------------------------------------
def get_me(state: EmulatorState, call: Call) -> dict[str, Any]:
    return {
        **state.bot_user(call.bot_id),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def send_message(state: EmulatorState, call: Call) -> dict[str, Any]:
    params = call.params
    chat = state.target_chat(params.get("chat_id"))
    parse_mode = params.get("parse_mode")
    text, entities = _text(state, params.get("text"), parse_mode)
    markup = validate_markup(params.get("reply_markup"))
    fields: dict[str, Any] = {**_reply_fields(state, chat, params), "text": text}
    if entities:
        fields["entities"] = entities
    call.rate_check(chat.id)
    message = state.store_bot_message(chat, call.bot_id, fields, parse_mode, markup)
    return message.raw


def send_document(state: EmulatorState, call: Call) -> dict[str, Any]:
    chat = state.target_chat(call.params.get("chat_id"))
    upload, stored = _resolve_upload(state, call, "document", "documents")
    caption = _caption(state, call)
    markup = validate_markup(call.params.get("reply_markup"))
    call.rate_check(chat.id)
    if stored is None:
        stored = state.add_file(upload.content, "documents", upload.filename, _mime(upload))
    document = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_name": stored.filename,
        "mime_type": stored.mime_type,
        "file_size": len(stored.content),
    }
    fields = {**_reply_fields(state, chat, call.params), "document": document, **caption}
    doc = Document(stored.filename, stored.content, stored.mime_type)
    message = state.store_bot_message(
        chat, call.bot_id, fields, call.params.get("parse_mode"), markup, document=doc
    )
    return message.raw


def send_photo(state: EmulatorState, call: Call) -> dict[str, Any]:
    chat = state.target_chat(call.params.get("chat_id"))
    upload, stored = _resolve_upload(state, call, "photo", "photos")
    caption = _caption(state, call)
    markup = validate_markup(call.params.get("reply_markup"))
    call.rate_check(chat.id)
    if stored is None:
        stored = state.add_file(upload.content, "photos", "photo.jpg", "image/jpeg")
    size = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "width": 320,
        "height": 320,
    }
    fields = {**_reply_fields(state, chat, call.params), "photo": [size], **caption}
    message = state.store_bot_message(
        chat, call.bot_id, fields, call.params.get("parse_mode"), markup, photo=stored.content
    )
    return message.raw


def _editable(state: EmulatorState, call: Call) -> tuple[ChatState, BotMessage]:
    if call.params.get("inline_message_id"):
        raise bad_request("message to edit not found")
    chat = state.target_chat(call.params.get("chat_id"))
    message_id = get_int(call.params, "message_id")
    assert message_id is not None
    if state.live_message(chat.id, message_id) is None:
        raise bad_request("message to edit not found")
    message = state.bot_message(chat.id, message_id)
    if message is None:
        raise bad_request("message can't be edited")
    return chat, message


def _not_modified() -> ApiError:
    return bad_request(
        "message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )


def _inline_only(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    return markup if markup and "inline_keyboard" in markup else None


def _apply_edit(
    state: EmulatorState, message: BotMessage, changes: dict[str, Any]
) -> dict[str, Any]:
    raw = message.raw
    for key, value in changes.items():
        if value is None or value == []:
            raw.pop(key, None)
        else:
            raw[key] = value
    raw["edit_date"] = int(time.time())
    message.reply_markup = raw.get("reply_markup")
    message.text = raw.get("text", raw.get("caption"))
    message.edited = True
    state.message_signal.notify()
    return dict(raw)


def edit_message_text(state: EmulatorState, call: Call) -> dict[str, Any]:
    _, message = _editable(state, call)
    if "text" not in message.raw:
        raise bad_request("there is no text in the message to edit")
    parse_mode = call.params.get("parse_mode")
    text, entities = _text(state, call.params.get("text"), parse_mode)
    markup = _inline_only(validate_markup(call.params.get("reply_markup")))
    same = (
        text == message.raw.get("text")
        and entities == message.raw.get("entities", [])
        and markup == message.raw.get("reply_markup")
    )
    if same:
        raise _not_modified()
    message.parse_mode = parse_mode
    return _apply_edit(state, message, {"text": text, "entities": entities, "reply_markup": markup})


def edit_message_caption(state: EmulatorState, call: Call) -> dict[str, Any]:
    _, message = _editable(state, call)
    if "text" in message.raw:
        raise bad_request("there is no caption in the message to edit")
    fields = _caption(state, call)
    markup = _inline_only(validate_markup(call.params.get("reply_markup")))
    same = (
        fields.get("caption") == message.raw.get("caption")
        and fields.get("caption_entities") == message.raw.get("caption_entities")
        and markup == message.raw.get("reply_markup")
    )
    if same:
        raise _not_modified()
    changes = {"caption": fields.get("caption"), "caption_entities": fields.get("caption_entities")}
    return _apply_edit(state, message, {**changes, "reply_markup": markup})


def edit_message_reply_markup(state: EmulatorState, call: Call) -> dict[str, Any]:
    _, message = _editable(state, call)
    markup = _inline_only(validate_markup(call.params.get("reply_markup")))
    if markup == message.raw.get("reply_markup"):
        raise _not_modified()
    return _apply_edit(state, message, {"reply_markup": markup})


def delete_message(state: EmulatorState, call: Call) -> bool:
    chat = state.target_chat(call.params.get("chat_id"))
    message_id = get_int(call.params, "message_id")
    assert message_id is not None
    if state.live_message(chat.id, message_id) is None:
        raise bad_request("message to delete not found")
    state.deleted.add((chat.id, message_id))
    message = state.bot_message(chat.id, message_id)
    if message is not None:
        message.deleted = True
    state.message_signal.notify()
    return True


def answer_callback_query(state: EmulatorState, call: Call) -> bool:
    query_id = str(call.params.get("callback_query_id") or "")
    pending = state.callbacks.get(query_id)
    if pending is None or pending.answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = call.params.get("text")
    if text is not None and len(str(text)) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    pending.answered = True
    answer = CallbackAnswer(
        query_id, text, get_bool(call.params, "show_alert"), call.params.get("url")
    )
    state.callback_answers.setdefault(pending.user_id, []).append(answer)
    return True


def get_file(state: EmulatorState, call: Call) -> dict[str, Any]:
    stored = state.files.get(str(call.params.get("file_id") or ""))
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.content) > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "file_path": stored.file_path,
    }


def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    if not isinstance(scope, dict) or "type" not in scope:
        raise bad_request("can't parse BotCommandScope JSON object")
    key = str(scope["type"])
    for part in ("chat_id", "user_id"):
        if part in scope:
            key += f":{scope[part]}"
    language = str(params.get("language_code") or "")
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise bad_request("invalid language code specified")
    return key, language


def set_my_commands(state: EmulatorState, call: Call) -> bool:
    commands = call.params.get("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    cleaned = []
    for item in commands:
        if not isinstance(item, dict) or not _COMMAND_RE.match(str(item.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        description = str(item.get("description", ""))
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned.append({"command": item["command"], "description": description})
    key = _commands_key(call.params)
    if cleaned:
        state.commands[key] = cleaned
    else:
        state.commands.pop(key, None)
    return True


def get_my_commands(state: EmulatorState, call: Call) -> list[dict[str, Any]]:
    return list(state.commands.get(_commands_key(call.params), []))


def delete_my_commands(state: EmulatorState, call: Call) -> bool:
    state.commands.pop(_commands_key(call.params), None)
    return True


def send_chat_action(state: EmulatorState, call: Call) -> bool:
    state.target_chat(call.params.get("chat_id"))
    if call.params.get("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


def get_chat(state: EmulatorState, call: Call) -> dict[str, Any]:
    raw_id = call.params.get("chat_id")
    try:
        chat = state.chats.get(int(raw_id))
    except (TypeError, ValueError):
        chat = None
    if chat is None or not chat.known:
        raise bad_request("chat not found")
    return {
        **chat.as_chat(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


def set_chat_menu_button(state: EmulatorState, call: Call) -> bool:
    chat_id = get_int(call.params, "chat_id", required=False)
    state.menu_buttons[chat_id] = call.params.get("menu_button") or {"type": "default"}
    return True


def get_chat_menu_button(state: EmulatorState, call: Call) -> dict[str, Any]:
    chat_id = get_int(call.params, "chat_id", required=False)
    return state.menu_buttons.get(chat_id, state.menu_buttons.get(None, {"type": "default"}))


def harmless(state: EmulatorState, call: Call) -> bool:
    return True


HANDLERS: dict[str, Handler] = {
    name.lower(): handler
    for name, handler in {
        "getMe": get_me,
        "sendMessage": send_message,
        "sendDocument": send_document,
        "sendPhoto": send_photo,
        "editMessageText": edit_message_text,
        "editMessageCaption": edit_message_caption,
        "editMessageReplyMarkup": edit_message_reply_markup,
        "deleteMessage": delete_message,
        "answerCallbackQuery": answer_callback_query,
        "getFile": get_file,
        "setMyCommands": set_my_commands,
        "getMyCommands": get_my_commands,
        "deleteMyCommands": delete_my_commands,
        "sendChatAction": send_chat_action,
        "getChat": get_chat,
        "setChatMenuButton": set_chat_menu_button,
        "getChatMenuButton": get_chat_menu_button,
        "setMyDescription": harmless,
        "setMyShortDescription": harmless,
        "setMyName": harmless,
        "logOut": harmless,
        "close": harmless,
    }.items()
}
