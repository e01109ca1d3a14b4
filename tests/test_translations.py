"""Every text exists in Russian and English, with the same parameters."""

import re
import string

import pytest

from bot.config import SUPPORTED_LOCALES
from bot.i18n import (
    LOCALES_DIR,
    Translator,
    create_translator,
    load_catalogues,
    pick_locale,
    read_catalogue,
)
from bot.services.surveys import load_definitions

PLACEHOLDER = re.compile(r"\{(\w+)")


def placeholders(entry) -> set[str]:
    texts = entry if isinstance(entry, tuple) else (entry,)
    return {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_is_translated_in_both_languages():
    catalogues = load_catalogues()
    assert list(catalogues) == ["ru", "en"]
    ru, en = catalogues["ru"].messages, catalogues["en"].messages
    assert set(ru) - set(en) == set(), "keys missing in English"
    assert set(en) - set(ru) == set(), "keys missing in Russian"
    for key in ru:
        for locale, entry in (("ru", ru[key]), ("en", en[key])):
            texts = entry if isinstance(entry, tuple) else (entry,)
            assert all(t.strip() for t in texts), f"{locale}:{key} is empty"
        assert placeholders(ru[key]) == placeholders(en[key]), f"{key}: parameters differ"


def test_each_language_has_the_same_catalogue_files_with_the_same_keys():
    """A key lives in the same feature's file in every language (surveys.po included)."""
    files = {locale: {path.name: set(read_catalogue(path, locale).messages)
                      for path in sorted((LOCALES_DIR / locale / "LC_MESSAGES").glob("*.po"))}
             for locale in SUPPORTED_LOCALES}
    assert "surveys.po" in files["ru"]
    for locale, by_file in files.items():
        assert by_file == files["ru"], f"{locale}: files or their keys differ from Russian"


def test_survey_texts_are_in_the_catalogues(translator: Translator):
    """Every title, question, option and hint a definition needs, in both languages."""
    for survey in load_definitions():
        for key in survey.text_keys():
            for locale in ("ru", "en"):
                assert translator.has(key, locale), f"{locale}:{key}"
    assert translator.get("survey.meeting_feedback.q.usefulness", "en") == (
        "How useful was the meeting?")


def test_russian_plurals_follow_cldr(translator: Translator):
    assert translator.get("common.minutes", "ru", count=1) == "1 минута"
    assert translator.get("common.minutes", "ru", count=3) == "3 минуты"
    assert translator.get("common.minutes", "ru", count=11) == "11 минут"
    assert translator.get("common.minutes", "ru", count=21) == "21 минута"
    assert translator.get("common.minutes", "en", count=2) == "2 minutes"


def test_parameters_are_escaped_for_html(translator: Translator):
    text = translator.get("timezone.invalid", "en", text="<b>Tom & Jerry</b>")
    assert "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;" in text


def test_missing_key_is_an_error_in_strict_mode_and_harmless_otherwise():
    with pytest.raises(KeyError):
        create_translator(strict=True).get("no.such.key", "ru")
    assert create_translator(strict=False).get("no.such.key", "ru") == "no.such.key"


@pytest.mark.parametrize(("stored", "telegram", "expected"), [
    ("en", "ru", "en"), (None, "en-GB", "en"), (None, "ru", "ru"), (None, "de", "ru"), (None, None, "ru"),
])
def test_locale_choice_order(stored, telegram, expected):
    assert pick_locale(stored, telegram, "ru") == expected
