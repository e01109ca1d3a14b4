"""Bot-level and chat-level methods: identity, commands, chat info, menu button."""

from __future__ import annotations

import re
from typing import Any

from bot.emulator.call import Call
from bot.emulator.models import bad_request
from bot.emulator.params import get_int
from bot.emulator.state import EmulatorState

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


def get_me(state: EmulatorState, call: Call) -> dict[str, Any]:
    return {
        **state.bot_user(call.bot_id),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
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
        chat = state.chats.get(int(raw_id)) if raw_id is not None else None
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
