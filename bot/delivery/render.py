"""Rendering an outbox payload for its recipient at send time: language, timezone, buttons.

Typed parameters ({"$datetime": iso}, {"$date": iso}, {"$time": iso}) are formatted with Babel
in the recipient's timezone and locale, e.g. «22 ноября, 12:00»; {"$t": "role.mentor"} is a
translation key rendered in the recipient's language, with its own "params" and "count" if it
has them, and {"$join": [...], "sep": ", "} joins fragments and strings
(bot/services/notices/texts.py). A payload's text is a "text_key", a composed "body" or a
literal "text". A button reaches a "target" with its "fields" (packed with the CallbackData
class of bot/callbacks/targets.py), a "url", or carries "callback_data" packed before (rows
queued before targets existed). A "keyboard" is a reply keyboard instead (rows of labels by
translation key: the persistent buttons a paired person keeps under the input field)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from babel.dates import format_date, format_datetime

from bot.callbacks.targets import pack
from bot.config import SUPPORTED_LOCALES
from bot.delivery.generators import AttachmentGenerator
from bot.delivery.generators import generators as all_generators
from bot.i18n import Html, Translator
from bot.services.notices.buttons import CALLBACK_LIMIT

# CLDR patterns: Babel writes the month in the reader's language («5 марта», «5 March»).
DATETIME_PATTERN = "d MMMM, HH:mm"
DATE_PATTERN = "d MMMM"
TIME_PATTERN = "HH:mm"

class RenderError(ValueError):
    """The payload cannot become a message (unknown key, bad parameter): not retried."""


@dataclass(frozen=True)
class Rendered:
    text: str
    reply_markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None
    attachment: dict[str, Any] | None
    locale: str


def resolve_locale(user_locale: str | None, row_locale: str | None, default: str) -> str:
    """The person's stored choice, else the row's locale, else the default."""
    for candidate in (user_locale, row_locale):
        if candidate in SUPPORTED_LOCALES:
            return candidate
    return default


def resolve_timezone(user_timezone: str | None, default: str) -> ZoneInfo:
    for candidate in (user_timezone, default):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def format_param(value: object, locale: str, tz: ZoneInfo) -> object:
    """A typed parameter formatted for the recipient; {"$datetime": iso, "$tz": zone} pins the
    zone (a meeting shown in the zone its calendar file uses)."""
    if isinstance(value, dict) and len(value) == 2 and "$tz" in value:
        value = dict(value)
        tz = resolve_timezone(str(value.pop("$tz")), tz.key)
    if not isinstance(value, dict) or len(value) != 1:
        return value
    (tag, raw), = value.items()
    try:
        if tag == "$datetime":
            moment = datetime.fromisoformat(raw).astimezone(tz)
            return format_datetime(moment, DATETIME_PATTERN, tzinfo=tz, locale=locale)
        if tag == "$time":
            moment = datetime.fromisoformat(raw).astimezone(tz)
            return format_datetime(moment, TIME_PATTERN, tzinfo=tz, locale=locale)
        if tag == "$date":
            day = date.fromisoformat(raw[:10])
            return format_date(day, DATE_PATTERN, locale=locale)
    except (TypeError, ValueError) as exc:
        raise RenderError(f"bad {tag} parameter {raw!r}: {exc}") from None
    return value


class Renderer:
    def __init__(self, translator: Translator, default_locale: str, default_timezone: str,
                 generators: Mapping[str, AttachmentGenerator] | None = None) -> None:
        self.translator = translator
        self.default_locale = default_locale
        self.default_timezone = default_timezone
        # Every generator of bot/delivery/generators.py, bound to this translator; a test may
        # add its own.
        self.generators = {**all_generators(translator), **(generators or {})}

    def _param(self, value: object, locale: str, tz: ZoneInfo, html: bool = True) -> object:
        # A fragment (a translated word or a composed list inside a text) is rendered in the
        # recipient's language; in HTML it is already escaped, so it goes in as Html.
        if isinstance(value, dict) and ("$t" in value or "$join" in value):
            text = self._fragment(value, locale, tz, html)
            return Html(text) if html else text
        return format_param(value, locale, tz)

    def _fragment(self, value: Mapping[str, Any], locale: str, tz: ZoneInfo, html: bool) -> str:
        if "$join" in value:
            parts = []
            for part in value["$join"]:
                if isinstance(part, str):  # data (a name): escaped like any parameter
                    parts.append(escape(part, quote=False) if html else part)
                else:
                    parts.append(str(self._param(part, locale, tz, html)))
            return str(value.get("sep", "")).join(parts)
        params = {k: self._param(v, locale, tz, html)
                  for k, v in (value.get("params") or {}).items()}
        render = self.translator.get if html else self.translator.plain
        try:
            return render(str(value["$t"]), locale, count=value.get("count"), **params)
        except (KeyError, IndexError, ValueError) as exc:
            raise RenderError(f"cannot render {value['$t']!r}: {exc!r}") from None

    def _text(self, spec: Mapping[str, Any], locale: str, tz: ZoneInfo, *,
              html: bool = True) -> str:
        """A message's text (HTML: parameters escaped) or a button's label (plain: Telegram
        shows it as it is)."""
        if spec.get("body"):
            return self._fragment(spec["body"], locale, tz, html)
        params = {k: self._param(v, locale, tz, html)
                  for k, v in (spec.get("params") or {}).items()}
        if spec.get("text_key"):
            render = self.translator.get if html else self.translator.plain
            try:
                return render(spec["text_key"], locale, count=spec.get("count"), **params)
            except (KeyError, IndexError, ValueError) as exc:
                raise RenderError(f"cannot render {spec['text_key']!r}: {exc!r}") from None
        if spec.get("text") is not None:
            return str(spec["text"])
        raise RenderError("payload has neither text_key, body nor text")

    def _button(self, spec: Mapping[str, Any], locale: str, tz: ZoneInfo
                ) -> InlineKeyboardButton:
        label = self._text(spec, locale, tz, html=False)
        if spec.get("max_chars"):
            label = label[:int(spec["max_chars"])]
        if spec.get("url"):
            return InlineKeyboardButton(text=label, url=spec["url"])
        if spec.get("target"):
            try:
                data = pack(spec["target"], spec.get("fields") or {})
            except (ValueError, TypeError) as exc:  # pydantic's errors are ValueErrors
                raise RenderError(f"bad button: {exc}") from None
            if len(data.encode()) > CALLBACK_LIMIT:
                raise RenderError(f"callback data over {CALLBACK_LIMIT} bytes: {data!r}")
            return InlineKeyboardButton(text=label, callback_data=data)
        if spec.get("callback_data"):  # packed when it was queued
            return InlineKeyboardButton(text=label, callback_data=spec["callback_data"])
        raise RenderError("a button needs a target, callback_data or url")

    def render(self, payload: Mapping[str, Any], *, user_locale: str | None,
               row_locale: str | None, user_timezone: str | None) -> Rendered:
        locale = resolve_locale(user_locale, row_locale, self.default_locale)
        tz = resolve_timezone(user_timezone, self.default_timezone)
        text = self._text(payload, locale, tz)
        markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None
        if payload.get("buttons"):
            markup = InlineKeyboardMarkup(inline_keyboard=[
                [self._button(spec, locale, tz) for spec in row] for row in payload["buttons"]])
        elif payload.get("keyboard"):
            markup = ReplyKeyboardMarkup(keyboard=[
                [KeyboardButton(text=self._text(spec, locale, tz, html=False)) for spec in row]
                for row in payload["keyboard"]], resize_keyboard=True, is_persistent=True)
        attachment = payload.get("attachment")
        return Rendered(text, markup, dict(attachment) if attachment else None, locale)

    async def attachment_file(self, attachment: Mapping[str, Any], locale: str
                              ) -> tuple[str, bytes | str]:
        """(filename, bytes) from a generator, or (filename, path) of a file on disk."""
        if attachment.get("generator"):
            name = attachment["generator"]
            generator = self.generators.get(name)
            if generator is None:
                raise RenderError(f"unknown attachment generator {attachment['generator']!r}")
            return await generator(attachment.get("args") or {}, locale)
        if attachment.get("path"):
            path = str(attachment["path"])
            return attachment.get("filename") or path.rsplit("/", 1)[-1], path
        raise RenderError("attachment needs a path or a generator")
