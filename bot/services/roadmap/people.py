"""Match the «Ответственные» entries of a roadmap to people and roles known to the bot.

Pure functions: the caller passes the programme's participants and curators. A person is
written «Карпова И.Н.», «М.Г. Георгиевская» or in full, in any order and case, with ё or е; a
name matches when its surname is one of the person's name words and its initials (or other
words) agree with the rest. Roles («Кураторы целевой модели…», «Наставники», «Администрация
МБОУ…») come from a vocabulary of stems, so plural and genitive forms match too. More than
one candidate is never confirmed automatically: the curator chooses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# Roles whose holders the bot knows; the others are recognised but reach nobody.
HELD_ROLES = ("curator", "mentor", "mentee")

# (stem of the first meaningful word, role). Checked in order: «наставляем» before «наставник».
_ROLE_STEMS: tuple[tuple[str, str], ...] = (
    ("куратор", "curator"),
    ("наставляем", "mentee"),
    ("наставник", "mentor"),
    ("администрац", "administration"),
    ("администратор", "administration"),
    ("директор", "administration"),
    ("заместител", "administration"),
    ("замдиректор", "administration"),
    ("руководител", "administration"),
    ("руководств", "administration"),
    ("методист", "methodist"),
    ("методическ", "methodist"),
    ("педагог", "teacher"),
    ("учител", "teacher"),
    ("преподавател", "teacher"),
    ("классн", "class_teacher"),
    ("психолог", "psychologist"),
    ("социальн", "social_worker"),
    ("организаци", "partner"),
    ("партнер", "partner"),
    ("ответственн", "other_role"),
    ("рабоч", "other_role"),
    ("обучающ", "mentee"),
    ("учащ", "mentee"),
    ("студент", "mentee"),
)
_WORD = re.compile(r"[a-zа-я]+(?:-[a-zа-я]+)*")


@dataclass(frozen=True)
class Person:
    """Someone the bot knows: kind "participation" or "curator", with their row id."""

    kind: str
    id: int
    full_name: str


@dataclass(frozen=True)
class Match:
    raw: str
    kind: str  # person, role, unknown
    role: str | None = None
    candidates: tuple[Person, ...] = field(default=())

    @property
    def confident(self) -> bool:
        """Safe to confirm without asking: a role, or exactly one person."""
        return self.kind == "role" or (self.kind == "person" and len(self.candidates) == 1)


def normalise(text: str) -> str:
    return text.lower().replace("ё", "е")


def _words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def role_of(raw: str) -> str | None:
    """The role an entry names, or None when it looks like a person."""
    words = _words(raw)
    if not words:
        return None
    first = words[0]
    for stem, role in _ROLE_STEMS:
        if first.startswith(stem):
            return role
    return None


def _parse_name(raw: str) -> tuple[list[str], list[str]] | None:
    """(full words, initials) of a written name; None when it holds no name at all."""
    text = normalise(raw)
    words: list[str] = []
    initials: list[str] = []
    for token in re.findall(r"[a-zа-я]+(?:-[a-zа-я]+)*\.?", text):
        bare = token.rstrip(".")
        if len(bare) == 1:
            initials.append(bare)
        else:
            words.append(bare)
    if not words:
        return None
    return words, initials


def name_matches(raw: str, full_name: str) -> bool:
    parsed = _parse_name(raw)
    if parsed is None:
        return False
    words, initials = parsed
    theirs = _words(full_name)
    if not theirs:
        return False
    rest = list(theirs)
    for word in words:
        if word not in rest:
            return False
        rest.remove(word)
    # Initials go with the remaining words in order (first name, then patronymic); either
    # order of the name words themselves is fine because the surname was already taken out.
    for index, letter in enumerate(initials):
        if index < len(rest) and not rest[index].startswith(letter):
            return False
    return True


def match_entry(raw: str, people: Iterable[Person]) -> Match:
    role = role_of(raw)
    if role is not None:
        return Match(raw, "role", role=role)
    candidates = tuple(p for p in people if p.full_name and name_matches(raw, p.full_name))
    if candidates:
        return Match(raw, "person", candidates=candidates)
    return Match(raw, "unknown")


def match_all(entries: Iterable[str], people: Iterable[Person]) -> dict[str, Match]:
    """One match per distinct entry (names repeat over many items)."""
    people = list(people)
    result: dict[str, Match] = {}
    for raw in entries:
        if raw not in result:
            result[raw] = match_entry(raw, people)
    return result
