"""Keeping aiogram's parametrised `Response[T]` classes alive.

aiogram validates every Bot API answer with `Response[method.__returning__]`; pydantic caches
such classes only weakly, so after each garbage collection they are rebuilt, ~2-4 ms of CPU
per API call (a large share of handling an update: see bench/README.md, Update handling).
Building each once and holding it turns that into a cache lookup."""

from __future__ import annotations

from typing import Any

_pinned: list[Any] = []
# What handlers and the sender call all the time (building all ~185 would cost seconds).
COMMON = ("GetUpdates", "SendMessage", "EditMessageText", "EditMessageReplyMarkup",
          "AnswerCallbackQuery", "DeleteMessage", "SendDocument", "SendPhoto", "SendChatAction",
          "GetMe", "SetMyCommands", "SetWebhook", "CopyMessage", "ForwardMessage")


def pin_response_types() -> int:
    if _pinned:
        return len(_pinned)
    from aiogram import methods
    from aiogram.methods.base import Response

    for name in COMMON:
        returning = getattr(getattr(methods, name), "__returning__", None)
        if returning is None:
            continue
        try:
            _pinned.append(Response[returning])
        except Exception:  # a type pydantic cannot build up front: left to aiogram, as before
            continue
    _pinned.append(Response[list[dict[str, Any]]])  # bot/polling.py GetRawUpdates
    return len(_pinned)
