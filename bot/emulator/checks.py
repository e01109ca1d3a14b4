"""Telegram's content checks: text and caption length, parse_mode, reply markup."""

from __future__ import annotations

import re
from typing import Any

from bot.emulator.formatting import render_text
from bot.emulator.models import ApiError, bad_request

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200

# What HTML escaping writes («&amp;», «&lt;», «&#x27;», …): in a text Telegram shows as it is.
_ENTITY_LIKE = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);")


def check_text(
    raw: Any, parse_mode: str | None, strict_amp: bool
) -> tuple[str, list[dict[str, Any]]]:
    """Parsed message text and entities; length is counted after entity parsing."""
    if raw is None or not str(raw).strip():
        raise bad_request("message text is empty")
    text, entities = render_text(str(raw), parse_mode, strict_amp)
    if not text.strip():
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return text, entities


def check_caption(params: dict[str, Any], strict_amp: bool) -> dict[str, Any]:
    """The caption fields of a media message (empty dict when there is no caption)."""
    raw = params.get("caption")
    if not raw:
        return {}
    caption, entities = render_text(str(raw), params.get("parse_mode"), strict_amp)
    if len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    fields: dict[str, Any] = {"caption": caption}
    if entities:
        fields["caption_entities"] = entities
    return fields


def check_plain_text(text: str, where: str, strict: bool) -> None:
    """Button texts and callback answers have no parse_mode: Telegram shows «&amp;» there as
    it is, so one in such a text is a text escaped for HTML by mistake («Школа &amp; Co» on a
    button). Telegram accepts it; the strict emulator (the default) refuses it so tests see it."""
    if not strict:
        return
    match = _ENTITY_LIKE.search(text)
    if match:
        raise bad_request(
            f"{where}: the HTML entity \"{match.group(0)}\" would be shown as it is (plain text "
            "escaped as HTML; refused by the emulator's strict_plain_text, Telegram accepts it)")


def _button_error(detail: str) -> ApiError:
    return bad_request(f"can't parse inline keyboard button: {detail}")


def _check_inline_button(button: Any, strict_plain: bool) -> None:
    if not isinstance(button, dict):
        raise _button_error("InlineKeyboardButton must be an Object")
    if not str(button.get("text") or "").strip():
        raise _button_error("Text must be non-empty")
    check_plain_text(str(button["text"]), "can't parse inline keyboard button", strict_plain)
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
        return
    if "url" in button:
        if not re.match(r"^(https?|tg)://\S+$", str(button["url"])):
            raise bad_request("BUTTON_URL_INVALID")
        return
    if "web_app" in button:
        # Telegram opens only https Mini Apps; plain http is let through for loopback (the
        # tests' and the demo's own server), which a real client would refuse.
        url = str((button["web_app"] or {}).get("url") if isinstance(button["web_app"], dict)
                  else "")
        if not re.match(r"^(https://\S+|http://(127\.0\.0\.1|localhost)(:\d+)?(/\S*)?)$", url):
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


def validate_markup(markup: Any, strict_plain: bool = True) -> dict[str, Any] | None:
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
                _check_inline_button(button, strict_plain)
    elif "keyboard" in markup:
        for row in markup["keyboard"]:
            for button in row:
                text = button if isinstance(button, str) else (button or {}).get("text")
                if not text:
                    raise bad_request("can't parse keyboard button: Text must be non-empty")
                check_plain_text(str(text), "can't parse keyboard button", strict_plain)
    elif not {"remove_keyboard", "force_reply"} & markup.keys():
        raise bad_request('can\'t find field "inline_keyboard"')
    return markup
