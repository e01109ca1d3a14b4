"""School roles as roadmaps write them in the «Ответственные» column.

A role is a phrase headed by a word from a closed vocabulary («Заместитель директора по ВР»,
«Классные руководители», «Педагог-психолог», «Руководители МО»), in any number or case: the
vocabulary is a list of stems. An adjective may come before the head word («Классные
руководители», «Старшая вожатая», «Социальный педагог»). Used to tell a column of people from
a column of activities, and to find where one role ends and the next begins when a cell lists
them without separators («Педагог-психолог Классные руководители»).
"""

from __future__ import annotations

import re

# Head words of role phrases, by stem (lowercase, «ё» as «е»). Stems are cut before the
# inflection, so «наставник» covers «Наставники», «наставников», «наставнику».
ROLE_STEMS: tuple[str, ...] = (
    "администрац", "администратор", "библиотекар", "вожат", "воспитател", "дефектолог",
    "директор", "завуч", "заведующ", "замдиректор", "заместител", "инструктор", "классн",
    "комисси", "комитет", "коллектив", "координатор", "куратор", "логопед", "медицинск",
    "методист", "методическ", "наставляем", "наставник", "обучающ", "организаци", "ответственн",
    "партнер", "педагог", "председател", "преподавател", "психолог", "рабоч", "работник",
    "родител", "руководител", "руководств", "секретар", "советник", "совет", "социальн",
    "специалист", "сотрудник", "студент", "служб", "тьютор", "учащ", "учител", "член",
)
# Short forms written with a dot: «Зам. директора по УВР».
_ABBREVIATIONS = ("зам",)
# Adjectives (and «все») that may stand before the head word. Verbal nouns such as
# «Информирование» or «Развитие» end like plural adjectives, so «-ние»/«-тие» are excluded.
_ADJECTIVE_RE = re.compile(r"^(?:все|[а-я]+(?:ый|ий|ой|ая|яя|ое|ее|ые|ие))$")
_VERBAL_NOUN_ENDINGS = ("ние", "тие")
_WORD_RE = re.compile(r"[A-Za-zА-Яа-яЁё]+(?:-[A-Za-zА-Яа-яЁё]+)*")


def _norm(word: str) -> str:
    return word.lower().replace("ё", "е")


def is_role_word(word: str) -> bool:
    """A head word of a role («Наставники», «педагог-психолог», «Зам»)."""
    word = _norm(word)
    return word in _ABBREVIATIONS or word.startswith(ROLE_STEMS)


def _is_adjective(word: str) -> bool:
    word = _norm(word)
    return bool(_ADJECTIVE_RE.match(word)) and not word.endswith(_VERBAL_NOUN_ENDINGS)


def starts_role(words: list[str]) -> bool:
    """The words begin a role phrase: a head word, or an adjective and a head word."""
    if not words:
        return False
    if is_role_word(words[0]):
        return True
    return len(words) > 1 and _is_adjective(words[0]) and is_role_word(words[1])


def is_role(text: str) -> bool:
    """The whole entry names a role («Заместитель директора по ВР», «организации - партнеры»)."""
    return starts_role(_WORD_RE.findall(text))


def role_starts(text: str) -> list[int]:
    """Offsets of capitalised words that begin a role phrase, after the first word."""
    words = list(_WORD_RE.finditer(text))
    starts = []
    for index, match in enumerate(words[1:], start=1):
        if not match.group(0)[:1].isupper():
            continue
        if starts_role([w.group(0) for w in words[index:index + 2]]):
            starts.append(match.start())
    return starts
