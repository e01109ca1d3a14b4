"""Translations: gettext catalogues in `locales/<lang>/LC_MESSAGES/*.po` (one file per feature:
messages.po for the core, curator.po, …) whose msgids are stable keys (`start.welcome`), read
with Babel when the bot starts.

Keys rather than English source strings let the outbox store a key with parameters and render
it in the recipient's language at send time.

The languages are the catalogue directories present (bot.config.SUPPORTED_LOCALES): a new
language is a new `locales/<lang>/` with every file translated, and no change to the code."""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from html import escape
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot.config import FIRST_LOCALE, LOCALES_DIR, SUPPORTED_LOCALES, available_locales


class MissingTranslation(KeyError):
    pass


class Html(str):
    """A parameter that already is safe HTML (built from escaped parts); not escaped again."""


def _escape_params(params: dict[str, object]) -> dict[str, object]:
    # Every text is sent with parse_mode=HTML, so a name like "<b>" or "&" must be escaped.
    return {
        key: value if isinstance(value, Html) or not isinstance(value, str) else escape(value, quote=False)
        for key, value in params.items()
    }


@dataclass
class Catalogue:
    locale: str
    messages: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    # gettext's plural expression (the header's Plural-Forms; else the language's standard one)
    plural_expr: str | None = None

    @cached_property
    def _plural(self):
        return gettext.c2py(self.plural_expr or get_plural(self.locale).plural_expr)

    def plural_index(self, count: int) -> int:
        """Which msgstr[i] of a plural entry fits `count`."""
        return self._plural(count)


def read_catalogue(path: Path, locale: str) -> Catalogue:
    with path.open("rb") as handle:
        catalog: Catalog = read_po(handle, locale=locale)
    catalogue = Catalogue(locale=locale, plural_expr=catalog.plural_expr)
    for message in catalog:
        if not message.id:
            continue  # the header entry
        key = message.id if isinstance(message.id, str) else message.id[0]
        if isinstance(message.string, str | None):
            catalogue.messages[key] = message.string or ""  # untranslated: rendered as the key
        else:
            catalogue.messages[key] = tuple(message.string)
    return catalogue


class Translator:
    """Renders a key in a locale. Unknown keys raise in tests and degrade to the key itself in
    production via `strict=False`, so a missing text never takes a conversation down."""

    def __init__(self, catalogues: Mapping[str, Catalogue], default_locale: str = FIRST_LOCALE,
                 strict: bool = False) -> None:
        self.catalogues = dict(catalogues)
        self.default_locale = default_locale
        self.strict = strict

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(self.catalogues)

    def has(self, key: str, locale: str | None = None) -> bool:
        return key in self.catalogues[locale or self.default_locale].messages

    def get(self, key: str, locale: str | None = None, /, count: int | None = None,
            **params: object) -> str:
        """The text for a message (parse_mode HTML): string parameters are escaped."""
        return self._render(key, locale, count, params, escape_params=True)

    def plain(self, key: str, locale: str | None = None, /, count: int | None = None,
              **params: object) -> str:
        """The text of a button or a callback answer, which Telegram shows as it is (no
        parse_mode): parameters go in unescaped, or «Школа & Co» would read «Школа &amp; Co»."""
        return self._render(key, locale, count, params, escape_params=False)

    def _render(self, key: str, locale: str | None, count: int | None,
                params: dict[str, object], escape_params: bool) -> str:
        catalogue = self.catalogues.get(locale or self.default_locale) or self.catalogues[
            self.default_locale]
        entry = catalogue.messages.get(key)
        if not entry:
            if self.strict:
                raise MissingTranslation(f"{catalogue.locale}:{key}")
            return key
        if isinstance(entry, tuple):
            number = count if count is not None else int(params.get("n", 0))  # type: ignore[call-overload]  # "n" is a count
            text = entry[min(catalogue.plural_index(number), len(entry) - 1)]
            params.setdefault("n", number)
        else:
            text = entry
        if not params:
            return text
        return text.format(**(_escape_params(params) if escape_params else params))

    def bind(self, locale: str) -> BoundTranslator:
        return BoundTranslator(self, locale)


@dataclass(frozen=True)
class BoundTranslator:
    """A translator fixed to one person's locale, passed to handlers as `t`."""

    translator: Translator
    locale: str
    # False for text that is not HTML (a workbook's cells): parameters go in as they are.
    html: bool = True

    def __call__(self, key: str, /, count: int | None = None, **params: object) -> str:
        render = self.translator.get if self.html else self.translator.plain
        return render(key, self.locale, count=count, **params)

    def plain(self, key: str, /, count: int | None = None, **params: object) -> str:
        """For a button's text or a callback answer: see Translator.plain."""
        return self.translator.plain(key, self.locale, count=count, **params)

    def with_params(self, key: str, params: Mapping[str, object]) -> str:
        """The text of a key whose parameters come as one mapping (a refusal's `params`)."""
        return self.translator._render(key, self.locale, None, dict(params),
                                       escape_params=self.html)

    def as_plain(self) -> BoundTranslator:
        """The same translator for plain text: spreadsheets, charts, file names."""
        return BoundTranslator(self.translator, self.locale, html=False)


def load_catalogues(directory: Path = LOCALES_DIR) -> dict[str, Catalogue]:
    """Every language in `directory`, the first language first."""
    catalogues = {}
    for locale in available_locales(directory):
        merged = Catalogue(locale=locale)
        for path in sorted((directory / locale / "LC_MESSAGES").glob("*.po")):
            part = read_catalogue(path, locale)
            duplicated = merged.messages.keys() & part.messages.keys()
            if duplicated:
                raise ValueError(f"{path}: keys defined twice: {sorted(duplicated)[:5]}")
            merged.messages.update(part.messages)
            merged.plural_expr = merged.plural_expr or part.plural_expr
        catalogues[locale] = merged
    return catalogues


@lru_cache(maxsize=4)
def _cached_catalogues(directory: str) -> dict[str, Catalogue]:
    return load_catalogues(Path(directory))


def create_translator(default_locale: str = FIRST_LOCALE, strict: bool = False,
                      directory: Path = LOCALES_DIR) -> Translator:
    return Translator(_cached_catalogues(str(directory)), default_locale, strict)


def pick_locale(stored: str | None, telegram_code: str | None, default: str) -> str:
    """The person's choice, else Telegram's language (ru-RU → ru), else the default."""
    if stored in SUPPORTED_LOCALES:
        return stored
    if telegram_code:
        base = telegram_code.split("-")[0].lower()
        if base in SUPPORTED_LOCALES:
            return base
    return default
