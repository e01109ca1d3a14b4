"""Work out which column holds what: from a header row's vocabulary, or from the content.

Roles: number, title, content, deadline, responsible, result. Columns with other meanings
(«Примечание», «Участники») are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .deadlines import Period, parse_deadline
from .readers import Row

ROLES = ("number", "title", "content", "deadline", "responsible", "result")

# Checked in this order: «Содержание мероприятия» is a title, «Содержание деятельности» content;
# «Результат, Вид документа» is one result column.
_HEADER_VOCABULARY: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("number", re.compile(r"^(№|n|no|номер)\b|^№|п\s*/\s*п")),
    ("deadline", re.compile(r"срок|^дата|даты|период|когда|время проведения")),
    ("responsible", re.compile(r"ответствен|исполнител|^кто\b")),
    ("result", re.compile(r"результат|вид документа|показател|итог|продукт|отчетн|форма отч")),
    ("title", re.compile(r"мероприят|наименование|название|^тема|^действи|^задач|^этапы?\b")),
    ("content", re.compile(r"содержание|описание|деятельност|формы работ")),
)

NUMBER_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)[.)]?$|^([IVX]{1,4})[.)]?$")
_INITIALS_RE = re.compile(r"[А-ЯЁ]\.\s?[А-ЯЁ]\.|[А-ЯЁ][а-яё]+\s+[А-ЯЁ]\.")
_ROLE_WORDS_RE = re.compile(
    r"директор|заместител|куратор|наставник|администрац|руководител|педагог|учител|"
    r"психолог|совет|координатор|методист|классн",
    re.I,
)


@dataclass
class Columns:
    roles: dict[str, int] = field(default_factory=dict)
    inferred: bool = False

    def get(self, row: Row, role: str) -> str:
        index = self.roles.get(role)
        if index is None or index >= len(row):
            return ""
        return row[index]

    @property
    def width(self) -> int:
        return max(self.roles.values(), default=-1) + 1


def parse_number(cell: str) -> str | None:
    """«1.2.» → «1.2»; «II» → «II»; anything else → None."""
    m = NUMBER_RE.match(cell.strip())
    if not m:
        return None
    return m.group(1) or m.group(2)


def header_role(cell: str) -> str | None:
    """The role a header cell names («Срок исполнения» → deadline), or None."""
    text = cell.lower().replace("ё", "е").strip(" .:*")
    if not text or len(text) > 60:
        return None
    for role, pattern in _HEADER_VOCABULARY:
        if pattern.search(text):
            return role
    return None


def match_header(row: Row) -> Columns | None:
    """Columns of a header row, or None when the row does not read as a header."""
    roles: dict[str, int] = {}
    filled = [c for c in row if c.strip()]
    if any(parse_number(c) for c in filled):
        return None  # a data row: header cells are words, not item numbers
    matched = 0
    for index, cell in enumerate(row):
        role = header_role(cell)
        if role is not None:
            roles.setdefault(role, index)
            matched += 1
    if matched * 2 < len(filled):
        return None
    if "title" not in roles and "content" in roles:
        roles["title"] = roles.pop("content")  # «Содержание деятельности» alone is the title
    if len(roles) >= 2 and ("title" in roles or "deadline" in roles):
        if "title" not in roles:
            return None
        return Columns(roles=roles)
    return None


def infer_columns(rows: list[Row], period: Period | None) -> Columns | None:
    """Guess columns of a table without a header from what the cells look like."""
    body = [r for r in rows if sum(1 for c in r if c) >= 2]
    if len(body) < 1:
        return None
    width = max(len(r) for r in body)
    probe: Period = period or (date(2000, 1, 1), date(2000, 12, 31))
    number_score, deadline_score, names_score, filled = [], [], [], []
    for col in range(width):
        cells = [r[col] for r in body if col < len(r) and r[col]]
        n = len(cells) or 1
        filled.append(len(cells))
        number_score.append(sum(bool(parse_number(c)) for c in cells) / n)
        deadline_score.append(
            sum(len(c) < 120 and parse_deadline(c, probe).kind != "undated" for c in cells) / n
        )
        names_score.append(
            sum(bool(_INITIALS_RE.search(c) or _ROLE_WORDS_RE.search(c)) and len(c) < 150
                for c in cells) / n
        )
    roles: dict[str, int] = {}
    numbers = [c for c in range(width) if number_score[c] >= 0.6]
    if numbers:
        roles["number"] = numbers[0]
    free = [c for c in range(width) if c not in roles.values() and filled[c]]
    if free:
        best = max(free, key=lambda c: deadline_score[c])
        if deadline_score[best] >= 0.4:
            roles["deadline"] = best
    free = [c for c in range(width) if c not in roles.values() and filled[c]]
    if free:
        best = max(free, key=lambda c: names_score[c])
        if names_score[best] >= 0.4:
            roles["responsible"] = best
    if "deadline" not in roles and "number" not in roles:
        return None
    anchor = roles.get("deadline", roles.get("responsible", width))
    for col in (c for c in range(width) if c not in roles.values() and filled[c]):
        if "title" not in roles:
            roles["title"] = col
        elif col < anchor and "content" not in roles:
            roles["content"] = col
        elif col > anchor and "result" not in roles:
            roles["result"] = col
    if "title" not in roles:
        return None
    return Columns(roles=roles, inferred=True)
