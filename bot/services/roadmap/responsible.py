"""Split the «Ответственные» cell into separate people and roles.

Word tables lose line breaks on export, so «Карпова И.Н. Светличная М.И.» arrives as one string.
People are recognised by initials; whatever text is left between them is kept as a role
(«организации - партнеры»), exactly as written. Roles written one after another without a
separator («Педагог-психолог Классные руководители», «Руководители МО Наставники») are cut
where a capitalised word begins a role of the school vocabulary (roles.py).
"""

from __future__ import annotations

import re

from .roles import is_role, role_starts

_UP = "А-ЯЁ"
_LO = "а-яё"
_SURNAME = rf"[{_UP}][{_LO}]+(?:-[{_UP}][{_LO}]+)?"
_INITIALS = rf"[{_UP}]\.\s?(?:[{_UP}]\.?(?![{_LO}]))?"
_SURNAME_FIRST = re.compile(rf"{_SURNAME}\s+{_INITIALS}")
_INITIALS_FIRST = re.compile(rf"{_INITIALS}\s?{_SURNAME}")
_STARTS_WITH_INITIALS = re.compile(rf"^\s*{_INITIALS}\s?{_SURNAME}")
# «…наставничества Наставники»: a capitalised word right after a lowercase one starts a new
# entry; «г. Кирова» does not split because «г.» ends with a dot.
_CAPITAL_AFTER_LOWER = re.compile(rf"(?<=[{_LO}])\s+(?=[{_UP}][{_LO}])")


def split_responsible(text: str | None) -> list[str]:
    if not text:
        return []
    result: list[str] = []
    for chunk in re.split(r"[;,\n]+", text):
        chunk = chunk.strip(" -–")
        if chunk:
            result.extend(_split_chunk(chunk))
    return [_tidy(r) for r in result if _tidy(r)]


def names_people(text: str | None) -> bool:
    """The cell lists only people and roles: what a responsible column holds, unlike the
    activities, deadlines or results beside it."""
    if not text or len(text) > 160:
        return False
    entries = split_responsible(text)
    return bool(entries) and all(_is_person(e) or is_role(e) for e in entries)


def _is_person(entry: str) -> bool:
    return bool(_SURNAME_FIRST.fullmatch(entry) or _INITIALS_FIRST.fullmatch(entry))


def _split_chunk(chunk: str) -> list[str]:
    pattern = _INITIALS_FIRST if _STARTS_WITH_INITIALS.match(chunk) else _SURNAME_FIRST
    matches = list(pattern.finditer(chunk))
    if not matches:
        return _split_roles(chunk)
    out: list[str] = []
    pos = 0
    for m in matches:
        out.extend(_roles(chunk[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.extend(_roles(chunk[pos:]))
    return out


def _roles(text: str) -> list[str]:
    text = text.strip(" .;,")
    if not text:
        return []
    return _split_roles(text)


def _split_roles(text: str) -> list[str]:
    cuts = sorted({m.end() for m in _CAPITAL_AFTER_LOWER.finditer(text)} | set(role_starts(text)))
    parts = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    return [p.strip() for p in parts if p.strip()]


def _tidy(entry: str) -> str:
    entry = re.sub(r"\s+", " ", entry).strip(" ;,-–")
    entry = re.sub(r"\.{2,}$", ".", entry)  # «Горьковенко М.И..»
    return entry
