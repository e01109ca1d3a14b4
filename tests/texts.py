"""The bot's texts from its catalogue (locales/), for tests where the wording is not the point:
`t("access.denied")` is what a person reads, so rewording a message changes the catalogue and
not the tests. A test about the wording itself (escaping, a translation, a message's exact
form) keeps the literal text."""

from __future__ import annotations

import html
import re

from bot.i18n import create_translator

_translator = create_translator("ru", strict=True)
_TAG = re.compile(r"<[^>]+>")


def t(key: str, /, count: int | None = None, locale: str = "ru", **params: object) -> str:
    """The text of `key` as a person sees it in the chat (HTML tags and entities rendered)."""
    return html.unescape(_TAG.sub("", _translator.get(key, locale, count=count, **params)))


def button(key: str, /, locale: str = "ru", **params: object) -> str:
    """A button's label (plain text: parameters as they are)."""
    return _translator.plain(key, locale, **params)
