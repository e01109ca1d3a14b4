"""Which cell of a row holds what when the header and the rows do not line up.

Schools' Word tables often have a header whose columns are not the rows' columns: a stage's
name and its description sit in one merged cell while the header names two columns, the
header merges two columns that the rows keep apart, or the header takes two rows
(«Мероприятия» over «Этап | Содержание», or «Срок» over «исполнения»). Reading cells by the
header's positions then puts deadlines in the responsible column. So the header's claims are
checked against the cells, once per row width under each header:

- a column whose cells mostly read as deadlines is the deadline column, one whose cells list
  people and roles the responsible column, one of short ordinals the number;
- while the header's own columns hold (half their cells fit), the header is kept as it is;
- when they do not and the cells point elsewhere, the cells win; the other columns keep the
  header's order between those anchors, and a warning says which columns moved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from .deadlines import Period, parse_deadline
from .notes import ParseWarning
from .readers import Row, Table
from .responsible import names_people
from .tables import Columns, header_role, match_header, parse_number

ANCHORS = ("number", "deadline", "responsible")
HOLDS = 0.5  # the header's column keeps its role when half of its cells fit the role
MOSTLY = 0.6  # another column takes the role when most of its cells fit it
_MAX_SUBHEADING = 40


@dataclass
class Layout:
    """The columns under one header: the header's own, and those fitted to each row width
    whose cells disagree with it."""

    header: Columns
    by_width: dict[int, Columns] = field(default_factory=dict)

    def columns_for(self, row: Row) -> Columns:
        return self.by_width.get(len(row), self.header)


@dataclass
class Headers:
    """Where each header of a document starts, and the second rows folded into them."""

    at: dict[tuple[int, int], Layout] = field(default_factory=dict)
    folded: set[tuple[int, int]] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)


def find_headers(tables: list[Table], period: Period | None) -> Headers:
    """Find the header rows of a document (merging a header set over two rows) and fit each
    header's columns to the rows below it, up to the next header."""
    found = Headers()
    bodies: dict[tuple[int, int], tuple[Row, list[Row]]] = {}
    current: list[Row] | None = None
    for t, table in enumerate(tables):
        for r, row in enumerate(table):
            if (t, r) in found.folded:
                continue
            header = match_header(row)
            if header is None:
                if current is not None:
                    current.append(row)
                continue
            header_row = row
            if r + 1 < len(table) and continues_header(table[r + 1]):
                merged = merge_header_rows(row, table[r + 1])
                header_of_both = match_header(merged)
                if header_of_both is not None:
                    header, header_row = header_of_both, merged
                    found.folded.add((t, r + 1))
            current = []
            found.at[(t, r)] = Layout(header)
            bodies[(t, r)] = (header_row, current)
    for position, (header_row, body) in bodies.items():
        layout, warnings = fit(found.at[position].header, header_row, body, period)
        found.at[position] = layout
        found.warnings += [w for w in warnings if w not in found.warnings]
    return found


# --- a header over two rows -------------------------------------------------------------------


def continues_header(row: Row) -> bool:
    """The row right under a header is its second row: short sub-headings («Этап»,
    «Содержание») or the ends of headings that wrapped («п/п», «исполнения»)."""
    filled = [c for c in row if c]
    if not filled or (len(filled) == 1 and not filled[0][:1].islower()):
        return False  # one capitalised cell is a section heading, not a sub-heading
    for cell in filled:
        if len(cell) > _MAX_SUBHEADING or any(ch.isdigit() for ch in cell):
            return False
        if header_role(cell) is None and not cell[:1].islower():
            return False
    return True


def merge_header_rows(first: Row, second: Row) -> Row:
    """One header row from two: a sub-heading with a role of its own («Этап», «Содержание»)
    replaces the heading above it, other text is joined to it («Срок» + «исполнения»)."""
    if len(first) < len(second):
        first = _spread(first, second)
    merged: Row = []
    for index in range(max(len(first), len(second))):
        top = first[index] if index < len(first) else ""
        low = second[index] if index < len(second) else ""
        merged.append(low if low and header_role(low) else f"{top} {low}".strip())
    return merged


def _spread(first: Row, second: Row) -> Row:
    """Widen the upper row to the lower row's columns: text copied from Word keeps a merged
    heading («Мероприятия» over «Этап | Содержание») as one cell, over a run of sub-headings."""
    extra = len(second) - len(first)
    out: Row = []
    column = 0
    for cell in first:
        span = 1
        if column < len(second) and second[column]:
            while span <= extra and column + span < len(second) and second[column + span]:
                span += 1
        out += [cell] * span
        extra -= span - 1
        column += span
    return out if len(out) == len(second) else first


# --- fitting a header to the cells ------------------------------------------------------------


class _Profile:
    """How well each column's filled cells fit each anchor role (share of cells, 0..1).
    Shares are worked out when first asked for: an aligned table only ever asks about the
    header's own columns."""

    def __init__(self, rows: list[Row], width: int, period: Period | None) -> None:
        probe: Period = period or (date(2000, 1, 1), date(2000, 12, 31))
        self.width = width
        self.cells = [[r[c] for r in rows if c < len(r) and r[c]] for c in range(width)]
        self.filled = [len(cells) for cells in self.cells]
        self._tests: dict[str, Callable[[str], bool]] = {
            "number": lambda c: parse_number(c) is not None,
            "deadline": lambda c: len(c) < 120 and parse_deadline(c, probe).kind != "undated",
            "responsible": names_people,
        }
        self._shares: dict[tuple[str, int], float] = {}

    def share(self, role: str, column: int | None) -> float:
        if column is None or column >= self.width or not self.filled[column]:
            return 0.0
        key = (role, column)
        if key not in self._shares:
            cells = self.cells[column]
            self._shares[key] = sum(map(self._tests[role], cells)) / len(cells)
        return self._shares[key]


def fit(header: Columns, header_row: Row, body: list[Row],
        period: Period | None) -> tuple[Layout, list[str]]:
    """Fit the header's columns to the rows under it, one row width at a time (a row with a
    merged cell is shorter in pasted text than the rows beside it)."""
    layout = Layout(header)
    warnings: list[str] = []
    widths: dict[int, list[Row]] = {}
    for row in body:
        if sum(1 for c in row if c) >= 2:  # headings and page-break tails say little
            widths.setdefault(len(row), []).append(row)
    for width, rows in sorted(widths.items()):
        columns, contradicted = _fit_width(header, header_row, _Profile(rows, width, period))
        if columns is header:
            continue
        layout.by_width[width] = columns
        warning = _moved_warning(header, columns) if contradicted else None
        if warning and warning not in warnings:
            warnings.append(warning)
    return layout, warnings


def _best(profile: _Profile, role: str, taken: set[int], near: int | None = None) -> int | None:
    columns = [c for c in range(profile.width) if c not in taken and profile.filled[c]
               # «1.1» reads as the 1st of January too: ordinals are never the deadline
               and (role == "number" or profile.share("number", c) < MOSTLY)]
    if not columns:
        return None
    return max(columns, key=lambda c: (profile.share(role, c), -abs(c - (near or 0))))


def _fit_width(header: Columns, header_row: Row, profile: _Profile) -> tuple[Columns, bool]:
    """The columns for rows of one width, and whether the cells contradicted the header."""
    claims = header.roles
    anchors: dict[str, int] = {}
    contradicted = False
    for role in ANCHORS:
        claim = claims.get(role)
        if claim is None:
            continue
        taken = set(anchors.values())
        if claim not in taken and profile.share(role, claim) >= HOLDS:
            anchors[role] = claim
            continue
        best = _best(profile, role, taken, near=claim)
        if best is None or profile.share(role, best) < MOSTLY:
            continue
        anchors[role] = best
        # An empty column and some look-alike cells elsewhere prove nothing (a «Примечание»
        # of «педагоги», one title with a role in it); the header is wrong when its column
        # holds another anchor's cells, or the cells sit under no heading at all.
        if _holds_other(profile, role, claim) or _unheaded(header_row, best):
            contradicted = True
    if not contradicted:
        return _complete(header, header_row, profile), False
    for role in ANCHORS:  # the header's word no longer counts: take unclaimed roles too
        if role not in anchors and role not in claims:
            best = _best(profile, role, set(anchors.values()))
            if best is not None and profile.share(role, best) >= MOSTLY:
                anchors[role] = best
    roles = _rebuild(header, anchors, profile)
    return (header, False) if roles is None else (Columns(roles=roles), True)


def _holds_other(profile: _Profile, role: str, column: int) -> bool:
    return any(profile.share(other, column) >= MOSTLY for other in ANCHORS if other != role)


def _unheaded(header_row: Row, column: int) -> bool:
    return column >= len(header_row) or not header_row[column].strip()


def _complete(header: Columns, header_row: Row, profile: _Profile) -> Columns:
    """The header holds; columns it leaves without a heading may still be read: a column
    of ordinals, dates or people under an empty heading, and the second half of a heading
    merged over two columns («Мероприятия» over the stage's name and its description)."""
    roles = dict(header.roles)
    for role in ANCHORS:
        if role not in roles:
            best = _best(profile, role, set(roles.values()))
            if (best is not None and _unheaded(header_row, best)
                    and profile.share(role, best) >= MOSTLY):
                roles[role] = best
    title = roles.get("title")
    if title is not None and "content" not in roles:
        beside = title + 1
        if (beside < min(profile.width, len(header_row)) and _unheaded(header_row, beside)
                and beside not in roles.values() and profile.filled[beside]):
            roles["content"] = beside
    return header if roles == header.roles else Columns(roles=roles)


def _rebuild(header: Columns, anchors: dict[str, int], profile: _Profile) -> dict[str, int] | None:
    """The anchors found by content cut both the header and the row into segments; between
    the same anchors, the header's other roles take the row's filled columns in order. Spare
    columns become the title or content (before the deadline and people) or the result."""
    roles = dict(anchors)
    common = [r for r in anchors if r in header.roles]
    header_cuts = sorted(header.roles[r] for r in common)
    row_cuts = sorted(anchors[r] for r in common)
    slots = sorted((i, r) for r, i in header.roles.items() if r not in roles)
    free = [c for c in range(profile.width) if c not in roles.values() and profile.filled[c]]
    first_anchor = min((anchors[r] for r in ("deadline", "responsible") if r in anchors),
                       default=profile.width)

    def segment(cuts: list[int], column: int) -> int:
        return sum(1 for cut in cuts if cut < column)

    for k in range(len(common) + 1):
        wanted = [r for i, r in slots if segment(header_cuts, i) == k]
        columns = [c for c in free if segment(row_cuts, c) == k]
        for role, column in zip(wanted, columns, strict=False):
            roles[role] = column
        for column in columns[len(wanted):]:
            spare = ("title", "content") if column < first_anchor else ("result",)
            free_role = next((r for r in spare if r not in roles), None)
            if free_role is not None:
                roles[free_role] = column
    return roles if "title" in roles else None


def _moved_warning(header: Columns, columns: Columns) -> ParseWarning | None:
    """«columns read by content, not the header: responsible in column 3, deadline in column
    4» (short enough for the bot's preview line); each part a code of its own, so the bot
    translates it."""
    moved = [ParseWarning("column_moved", role=ParseWarning(f"role_{role}"), column=index + 1)
             for role, index in sorted(columns.roles.items(), key=lambda kv: kv[1])
             if role in ANCHORS and header.roles.get(role) != index]
    if not moved:
        return None
    listed = moved[-1]
    for part in reversed(moved[:-1]):
        listed = ParseWarning("listed", first=part, rest=listed)
    return ParseWarning("columns_by_content", moves=listed)
