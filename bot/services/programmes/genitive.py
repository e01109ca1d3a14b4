"""An organisation's name in the genitive, for printed letters («Администрация Лицея «Вектор»»).

Only the head noun phrase at the start is inflected: the adjectives before the first noun and
that noun, agreeing with it («Средняя общеобразовательная школа № 12» → «Средней
общеобразовательной школы № 12»). The rest stays as typed: a quoted name, a number, «№», an
abbreviation (a name that starts with one, «МБОУ «СОШ № 5»», is left whole: the abbreviation
heads it), and the words after the head noun, which already depend on it («Центр образования
№ 1» → «Центра образования № 1»). Anything the morphology does not know for certain (no noun,
a word that is not in the nominative) leaves the name unchanged: the person creating the
organisation sees the proposal and corrects it by typing.

pymorphy3 with its Russian dictionary (OpenCorpora) does the morphology; the analyser takes a
tenth of a second and ~15 MB to load, so it is loaded once, on first use."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

MAX_HEAD_WORDS = 6  # «Муниципальное бюджетное общеобразовательное учреждение …»: at most this many
_WORD = re.compile(r"^[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*$")
_ADJECTIVES = {"ADJF", "PRTF"}


@cache
def _analyzer() -> Any:
    import pymorphy3  # untyped (mypy: ignore_missing_imports)

    return pymorphy3.MorphAnalyzer(lang="ru")


def _is_abbreviation(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _nominative(word: str, kinds: set[str]) -> Any | None:
    """The word's most likely analysis as a nominative of one of `kinds`, or None."""
    for parse in _analyzer().parse(word):
        if parse.tag.POS in kinds and "nomn" in parse.tag.case:
            return parse
    return None


def _like(original: str, inflected: str) -> str:
    """The inflected word spelt with the original's capitals («Лицей» → «Лицея»)."""
    parts = inflected.split("-")
    shaped = []
    for index, part in enumerate(parts):
        source = original.split("-")[index] if index < len(original.split("-")) else ""
        if source[:1].isupper():
            part = part[:1].upper() + part[1:]
        shaped.append(part)
    return "-".join(shaped)


def _inflect(parse: Any, grammemes: set[str]) -> str | None:
    inflected = parse.inflect(grammemes)
    return None if inflected is None else inflected.word


def genitive(name: str) -> str:
    """`name` with its head noun phrase in the genitive, or `name` itself when unsure."""
    words = name.split()
    head: list[str] = []
    noun = None
    for word in words[:MAX_HEAD_WORDS]:
        if not _WORD.match(word) or _is_abbreviation(word):
            break
        head.append(word)
        if _nominative(word, _ADJECTIVES) is None:
            noun = _nominative(word, {"NOUN"})
            break  # the head noun, or a word that is neither: either way the phrase ends
    if noun is None:
        return name
    number = "plur" if "plur" in noun.tag.number else "sing"
    inflected_noun = _inflect(noun, {"gent", number})
    if inflected_noun is None:
        return name
    result = []
    for word in head[:-1]:
        adjective = _nominative(word, _ADJECTIVES)
        if adjective is None:
            return name
        agreement = {"gent", "plur"} if number == "plur" else {"gent", noun.tag.gender}
        inflected = _inflect(adjective, agreement)
        if inflected is None:
            return name
        result.append(_like(word, inflected))
    result.append(_like(head[-1], inflected_noun))
    return " ".join(result + words[len(head):])
