"""Opening a Mini App as a Telegram client does: the button's URL with the launch parameters in
the fragment (`#tgWebAppData=<initData>&tgWebAppThemeParams=…`), the initData signed with the
bot's token (https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app).
Written here from the documentation, independently of aiogram's checking code, so a test of the
bot's check is a test against Telegram's rules, not against the same code."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import quote, urlencode

# A light theme as Telegram's Android client sends it.
THEME = {"bg_color": "#ffffff", "text_color": "#000000", "hint_color": "#707579",
         "link_color": "#3390ec", "button_color": "#3390ec", "button_text_color": "#ffffff",
         "secondary_bg_color": "#f4f4f5", "header_bg_color": "#ffffff",
         "accent_text_color": "#3390ec", "section_bg_color": "#ffffff",
         "destructive_text_color": "#e53935"}


def data_check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign(fields: dict[str, str], token: str) -> str:
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    return hmac.new(secret, data_check_string(fields).encode(), hashlib.sha256).hexdigest()


def init_data(token: str, user: dict[str, Any], *, auth_date: int | None = None,
              query_id: str = "AAEmu", **extra: str) -> str:
    """A signed initData query string for `user` (a Bot API User object)."""
    person = {key: user[key] for key in ("id", "first_name", "last_name", "username",
                                         "language_code") if user.get(key) is not None}
    fields = {"query_id": query_id, "user": json.dumps(person, ensure_ascii=False,
                                                       separators=(",", ":")),
              "auth_date": str(int(time.time()) if auth_date is None else auth_date), **extra}
    fields["hash"] = sign(fields, token)
    return urlencode(fields, quote_via=quote)


def launch_url(url: str, signed: str, theme: dict[str, str] | None = None,
               platform: str = "android") -> str:
    fragment = urlencode({"tgWebAppData": signed, "tgWebAppVersion": "9.1",
                          "tgWebAppPlatform": platform,
                          "tgWebAppThemeParams": json.dumps(theme or THEME,
                                                            separators=(",", ":"))},
                         quote_via=quote)
    return f"{url}#{fragment}"
