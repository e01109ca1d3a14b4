"""Message methods: send, edit, delete, callback answers and files."""

from __future__ import annotations

import mimetypes
import time
from typing import Any

from bot.emulator.call import Call
from bot.emulator.checks import (
    MAX_CALLBACK_ANSWER,
    check_caption,
    check_plain_text,
    check_text,
    validate_markup,
)
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

MAX_DOWNLOAD = 20 * 1024 * 1024


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


def _resolve_upload(state: EmulatorState, call: Call, key: str) -> tuple[Upload, Any]:
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


def send_message(state: EmulatorState, call: Call) -> dict[str, Any]:
    params = call.params
    chat = state.target_chat(params.get("chat_id"))
    parse_mode = params.get("parse_mode")
    text, entities = check_text(params.get("text"), parse_mode, state.strict_html_amp)
    markup = validate_markup(params.get("reply_markup"), state.strict_plain_text)
    fields: dict[str, Any] = {**_reply_fields(state, chat, params), "text": text}
    if entities:
        fields["entities"] = entities
    call.rate_check(chat.id)
    message = state.store_bot_message(chat, call.bot_id, fields, parse_mode, markup)
    return message.raw


def send_document(state: EmulatorState, call: Call) -> dict[str, Any]:
    chat = state.target_chat(call.params.get("chat_id"))
    upload, stored = _resolve_upload(state, call, "document")
    caption = check_caption(call.params, state.strict_html_amp)
    markup = validate_markup(call.params.get("reply_markup"), state.strict_plain_text)
    reply = _reply_fields(state, chat, call.params)
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
    fields = {**reply, "document": document, **caption}
    doc = Document(stored.filename, stored.content, stored.mime_type)
    message = state.store_bot_message(
        chat, call.bot_id, fields, call.params.get("parse_mode"), markup, document=doc
    )
    return message.raw


def send_photo(state: EmulatorState, call: Call) -> dict[str, Any]:
    chat = state.target_chat(call.params.get("chat_id"))
    upload, stored = _resolve_upload(state, call, "photo")
    caption = check_caption(call.params, state.strict_html_amp)
    markup = validate_markup(call.params.get("reply_markup"), state.strict_plain_text)
    reply = _reply_fields(state, chat, call.params)
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
    fields = {**reply, "photo": [size], **caption}
    message = state.store_bot_message(
        chat, call.bot_id, fields, call.params.get("parse_mode"), markup, photo=stored.content
    )
    return message.raw


def send_voice(state: EmulatorState, call: Call) -> dict[str, Any]:
    chat = state.target_chat(call.params.get("chat_id"))
    upload, stored = _resolve_upload(state, call, "voice")
    caption = check_caption(call.params, state.strict_html_amp)
    markup = validate_markup(call.params.get("reply_markup"), state.strict_plain_text)
    reply = _reply_fields(state, chat, call.params)
    call.rate_check(chat.id)
    if stored is None:
        stored = state.add_file(upload.content, "voice", "voice.oga", "audio/ogg")
    voice = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "duration": get_int(call.params, "duration", required=False) or 1,
        "mime_type": stored.mime_type or "audio/ogg",
        "file_size": len(stored.content),
    }
    fields = {**reply, "voice": voice, **caption}
    doc = Document(stored.filename, stored.content, stored.mime_type)
    message = state.store_bot_message(
        chat, call.bot_id, fields, call.params.get("parse_mode"), markup, document=doc
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
    text, entities = check_text(call.params.get("text"), parse_mode, state.strict_html_amp)
    markup = _inline_only(validate_markup(call.params.get("reply_markup"), state.strict_plain_text))
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
    fields = check_caption(call.params, state.strict_html_amp)
    markup = _inline_only(validate_markup(call.params.get("reply_markup"), state.strict_plain_text))
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
    markup = _inline_only(validate_markup(call.params.get("reply_markup"), state.strict_plain_text))
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
    if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")
    if text is not None:
        check_plain_text(str(text), "callback query answer", state.strict_plain_text)
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
