"""Turn a roadmap document into items with parsed deadlines.

Rows are classified in two passes. The first pass turns each table row into a record:
- a *heading*: a row with a single filled cell in the number/title column (or a «Этап 2. …»
  line); it starts a section and is not an item;
- a *candidate*: a numbered row with a title and nothing else («6.1 Контроль …:»); it becomes a
  heading when the next numbered row is its child («6.1.1») or an unnumbered item, otherwise an
  item without a deadline (seed 002's «5.5»);
- an *item*;
- a *continuation*: a row without a number whose cells continue the previous row's text after a
  page break (seed 000's «2.2», seed 001's «1.4»); its cells are appended to that row.
The second pass resolves candidates and assigns each item the path of headings above it,
joined with « / ». Which cell holds what comes from the header, checked against the cells
below it (layout.py), or, without a header, from the cells alone (tables.infer_columns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .deadlines import Period, parse_deadline
from .layout import Layout, find_headers
from .models import RoadmapItem, RoadmapParse
from .notes import ParseWarning
from .readers import Row, Table, read_tables
from .responsible import split_responsible
from .tables import ROLES, Columns, infer_columns, match_header, parse_number

_TEXT_ROLES = ("content", "deadline", "responsible", "result")
_ARABIC_RE = re.compile(r"^\d+(\.\d+)*$")
_HEADING_NUMBER_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)[.)]?\s+\S")
_EMBEDDED_NUMBER_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)[.)]?\s+(\S.*)$")
_MARKER_RE = re.compile(r"^(?i:этап|раздел|блок|модуль|направление|часть)\s+(?:\d+|[IVX]+)\b")
_STAGE_RE = re.compile(_MARKER_RE.pattern + r"|^[IVX]{1,4}[.)]?\s+\S|^\d{1,2}[.)]?\s+[А-ЯЁ]")


@dataclass
class _Draft:
    number: str | None
    cells: dict[str, str]
    candidate: bool = False
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Heading:
    number: str | None  # arabic numbers only: they nest («6» > «6.1»); others reset the path
    label: str


_Record = _Draft | _Heading


def parse_roadmap(content: bytes, filename: str, period: Period | None = None) -> RoadmapParse:
    """Read a roadmap file (.txt/.tsv/.csv/.docx/.xlsx or pasted text) into items.

    Raises ``RoadmapFormatError`` only when the file itself cannot be read; problems with
    single rows or deadlines end up in warnings.
    """
    if period is not None and period[0] > period[1]:
        raise ValueError("the programme period ends before it starts")
    tables = read_tables(content, filename)
    return parse_tables(tables, period)


def parse_text(text: str, period: Period | None = None) -> RoadmapParse:
    """Pasted text (e.g. a table copied from Word into a chat)."""
    return parse_roadmap(text.encode("utf-8"), "pasted.txt", period)


def parse_tables(tables: list[Table], period: Period | None = None) -> RoadmapParse:
    parse = RoadmapParse()
    records: list[_Record] = []
    has_header = any(match_header(r) for t in tables for r in t)
    headers = find_headers(tables, period) if has_header else None
    guessed = {} if has_header else _guess_by_width(tables, period, parse)
    if headers is not None:
        parse.warnings += headers.warnings
    layout: Layout | None = None
    stage_above: str | None = None
    for t, table in enumerate(tables):
        if headers is None:
            columns = guessed.get(_width(table))
            layout = Layout(columns) if columns is not None else None
            if layout is None:
                continue
        started = False
        text_block = layout is not None and layout.header.width > 1 and _width(table) == 1
        for r, row in enumerate(table):
            header = headers.at.get((t, r)) if headers is not None else None
            if header is not None:
                if stage_above is not None:
                    records.append(_heading(stage_above))
                    stage_above = None
                layout, started = header, True
                continue
            if headers is not None and (t, r) in headers.folded:
                continue  # the second row of a header
            if layout is None:
                # Preamble: «УТВЕРЖДАЮ», «ДОРОЖНАЯ КАРТА …»; only a «Этап 1 …» line right
                # above the header is kept, as the first section.
                stage_above = row[0] if len(row) == 1 and _MARKER_RE.match(row[0]) else None
                continue
            if text_block:
                # Paragraphs between Word tables: only a stage heading matters there; notes
                # and signatures must not be glued to the last item.
                if _STAGE_RE.match(row[0]):
                    records.append(_heading(row[0]))
                continue
            if not started and not has_header and len(row) < 2:
                continue  # title lines above a table without a header
            started = True
            _classify(row, layout.columns_for(row), records, parse, period)
    if layout is None:
        parse.warnings.append(ParseWarning("no_table"))
    parse.items = _build_items(records, period, parse)
    return parse


def _width(table: Table) -> int:
    return max((len(r) for r in table), default=0)


def _guess_by_width(tables: list[Table], period: Period | None,
                    parse: RoadmapParse) -> dict[int, Columns]:
    """Without a header, guess columns once per table width: a table split by a page break
    continues with the same columns, and one short piece alone says little."""
    by_width: dict[int, list[Row]] = {}
    for table in tables:
        if _width(table) >= 2:
            by_width.setdefault(_width(table), []).extend(r for r in table if len(r) >= 2)
    guessed: dict[int, Columns] = {}
    for width, rows in by_width.items():
        columns = infer_columns(rows, period)
        if columns is None:
            parse.warnings.append(ParseWarning("table_skipped"))
        else:
            guessed[width] = columns
    if guessed:
        parse.warnings.append(ParseWarning("columns_guessed"))
    return guessed


# --- pass 1: rows to records ------------------------------------------------------------------


def _classify(row: Row, columns: Columns, records: list[_Record], parse: RoadmapParse,
              period: Period | None) -> None:
    filled = [i for i, c in enumerate(row) if c]
    if not filled:
        return
    cells = {role: columns.get(row, role) for role in ROLES}
    has_number_column = "number" in columns.roles
    number = parse_number(cells["number"]) if has_number_column else None
    embedded = _EMBEDDED_NUMBER_RE.match(cells["number"]) if has_number_column else None
    if number is None and embedded and not cells["title"] and len(filled) > 1:
        # «1.1 Разработка …» typed into the number column.
        number, cells["title"] = embedded.group(1), embedded.group(2)
    last = records[-1] if records else None

    if number is None and len(filled) == 1:
        index = filled[0]
        text = row[index]
        role = next((r for r, i in columns.roles.items() if i == index), None)
        if role in (None, "number", "title"):
            if last is not None and text[:1].islower():
                _continue(last, {"title": text})
            else:
                records.append(_heading(text))
        elif last is not None:
            _continue(last, {role: text})
        else:
            parse.warnings.append(_orphan(text))
        return

    if number is not None:
        if not any(cells[r] for r in ("title", *_TEXT_ROLES)):
            parse.warnings.append(ParseWarning("number_without_text", number=number))
            return
        only_title = not any(cells[r] for r in _TEXT_ROLES)
        records.append(_Draft(number=number, cells=cells, candidate=only_title))
        return

    title = cells["title"]
    if last is None and (not title or title[:1].islower()):
        # The document starts mid-row: the beginning of this text is on a missing page.
        parse.warnings.append(_orphan(row[filled[0]]))
    elif last is not None and (not title or title[:1].islower()):
        _continue(last, cells)
    elif last is not None and has_number_column and not _looks_like_item(cells, period):
        _continue(last, cells)
    else:
        draft = _Draft(number=None, cells=cells)
        if has_number_column:
            draft.warnings.append(ParseWarning("no_number"))
        records.append(draft)


def _orphan(text: str) -> ParseWarning:
    return ParseWarning("orphan_text", text=text[:40])


def _looks_like_item(cells: dict[str, str], period: Period | None) -> bool:
    """A row without a number is a new item only if it has its own deadline and people."""
    deadline = cells["deadline"]
    return bool(deadline and cells["responsible"]) and (
        parse_deadline(deadline, period).kind != "undated"
    )


def _heading(text: str) -> _Heading:
    label = text.strip().rstrip(":").strip()
    m = _HEADING_NUMBER_RE.match(label)
    return _Heading(number=m.group(1) if m else None, label=label)


def _continue(record: _Record, cells: dict[str, str]) -> None:
    """Append text split by a page break to the record it belongs to."""
    if isinstance(record, _Heading):
        extra = " ".join(v for v in cells.values() if v)
        record.label = f"{record.label} {extra}".strip()
        return
    for role, text in cells.items():
        if text and role != "number":
            record.cells[role] = f"{record.cells.get(role, '')} {text}".strip()
    if record.candidate and any(record.cells.get(r) for r in _TEXT_ROLES):
        record.candidate = False


# --- pass 2: records to items -----------------------------------------------------------------


def _is_child(parent: str, number: str | None) -> bool:
    return number is not None and number.startswith(parent + ".")


def _resolve_candidates(records: list[_Record]) -> list[_Record]:
    out: list[_Record] = []
    for i, rec in enumerate(records):
        if isinstance(rec, _Draft) and rec.candidate:
            nxt = next((r for r in records[i + 1 :] if isinstance(r, _Draft)), None)
            becomes_heading = nxt is not None and (
                _is_child(rec.number or "", nxt.number)
                or (nxt.number is None and not nxt.candidate
                    and not isinstance(records[i + 1], _Heading))
            )
            if becomes_heading:
                number = rec.number or ""
                sep = ". " if "." not in number else " "
                label = f"{number}{sep}{rec.cells['title']}".strip().rstrip(":").strip()
                arabic = number if _ARABIC_RE.match(number) else None
                out.append(_Heading(number=arabic, label=label))
                continue
        out.append(rec)
    return out


def _build_items(records: list[_Record], period: Period | None,
                 parse: RoadmapParse) -> list[RoadmapItem]:
    items: list[RoadmapItem] = []
    stack: list[_Heading] = []
    seen: set[str] = set()
    for rec in _resolve_candidates(records):
        if isinstance(rec, _Heading):
            if rec.number is None:
                stack = []
            else:
                _pop_to_parent(stack, rec.number)
            stack.append(rec)
            continue
        if rec.number is not None and _ARABIC_RE.match(rec.number):
            _pop_to_parent(stack, rec.number)
        item = _item(rec, " / ".join(h.label for h in stack) or None, period)
        if rec.number is not None:
            if rec.number in seen:
                item.warnings.append(ParseWarning("duplicate_number", number=rec.number))
            seen.add(rec.number)
        items.append(item)
    if not items and records:
        parse.warnings.append(ParseWarning("headings_only"))
    return items


def _pop_to_parent(stack: list[_Heading], number: str) -> None:
    while stack and stack[-1].number is not None and not _is_child(stack[-1].number, number):
        stack.pop()


def _item(rec: _Draft, section: str | None, period: Period | None) -> RoadmapItem:
    cells = rec.cells
    title, content = cells.get("title", ""), cells.get("content", "")
    if not title and content:
        title, content = content, ""
    deadline = parse_deadline(cells.get("deadline", ""), period)
    warnings = [*deadline.warnings, *rec.warnings]
    if not title:
        warnings.append(ParseWarning("no_title"))
    return RoadmapItem(
        number=rec.number,
        section=section,
        title=title,
        content=content or None,
        deadline=deadline,
        responsible=split_responsible(cells.get("responsible")),
        result=cells.get("result") or None,
        warnings=warnings,
    )
