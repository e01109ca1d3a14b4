"""Read raw tables (lists of rows of cell strings) from the formats organisations send.

Every reader returns ``list[Table]``; a table is a list of rows, a row a list of cell strings.
Lines of plain text outside a table become one-cell rows, so the importer can skip titles
such as «УТВЕРЖДАЮ» by itself. Cells are cleaned (HTML lists flattened, whitespace collapsed).
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from datetime import date, time
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import docx.table  # imported when a .docx comes (read_docx)

Row = list[str]
Table = list[Row]


class RoadmapFormatError(ValueError):
    """The file cannot be read as a roadmap (unknown or corrupt format)."""


# --- cell cleaning ----------------------------------------------------------------------------

_LI_RE = re.compile(r"<\s*li[^>]*>", re.I)
_BR_RE = re.compile(r"<\s*br\s*/?\s*>|</\s*p\s*>", re.I)
_TAG_RE = re.compile(r"</?\s*[a-z][a-z0-9]*(?:\s[^<>]*)?/?>", re.I)


def clean_cell(value: object) -> str:
    """Flatten a cell to one line: HTML list items joined with «; », markup and bold removed."""
    if value is None:
        return ""
    text = str(value)
    if "<" in text:
        # Each <li> starts a new entry; the first one needs no separator.
        text = _LI_RE.sub("\x00", text)
        text = _BR_RE.sub(" ", text)
        text = _TAG_RE.sub(" ", text)
        parts = [p.strip(" ;") for p in text.split("\x00")]
        text = "; ".join(p for p in parts if p)
    text = html.unescape(text).replace("**", "")
    text = text.replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


# --- decoding ---------------------------------------------------------------------------------


def decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), falling back to cp1251 used by Russian Windows tools."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):  # Word's «Unicode text» export
        return content.decode("utf-16", errors="replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1251", errors="replace")


# --- text formats -----------------------------------------------------------------------------


def read_tsv(text: str) -> list[Table]:
    """Tab-separated lines (the seed format, or text copied from Word/Excel)."""
    rows: Table = []
    for line in text.splitlines():
        if not line.strip():
            continue
        rows.append([clean_cell(c) for c in line.split("\t")])
    return [rows]


def read_csv(text: str) -> list[Table]:
    """CSV with «;» (Russian Excel) or «,» as delimiter, sniffed from the first lines."""
    sample = "\n".join(text.splitlines()[:20])
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = [[clean_cell(c) for c in row] for row in reader]
    return [[r for r in rows if any(r)]]


def read_pipe(text: str) -> list[Table]:
    """Markdown-like tables «| a | b |» as pasted into a chat."""
    rows: Table = []
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        if s.startswith("|"):
            cells = s.strip("|").split("|")
            if all(re.fullmatch(r"\s*:?-{2,}:?\s*", c) for c in cells):
                continue  # separator line
            rows.append([clean_cell(c) for c in cells])
        else:
            rows.append([clean_cell(s)])
    return [rows]


def read_text(text: str) -> list[Table]:
    """Pasted text: pick the separator by what the lines contain."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if any("\t" in ln for ln in lines):
        return read_tsv(text)
    if sum(ln.lstrip().startswith("|") for ln in lines) >= 2:
        return read_pipe(text)
    # Commas are common inside Russian titles, so only «;» (Excel's Russian CSV) counts here.
    if sum(ln.count(";") >= 2 for ln in lines) >= 2:
        return read_csv(text)
    return read_tsv(text)


# --- office formats ---------------------------------------------------------------------------


def read_docx(content: bytes) -> list[Table]:
    """Every table of a Word document; horizontally merged cells appear once."""
    try:
        import docx  # python-docx
        import docx.table
        import docx.text.paragraph
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise RoadmapFormatError("python-docx is not installed") from exc
    try:
        document = docx.Document(io.BytesIO(content))
    except Exception as exc:
        raise RoadmapFormatError(f"not a readable .docx file ({exc})") from exc
    tables: list[Table] = []
    text_block: Table = []
    # Walk the body in order so headings between tables («Этап 2») stay where they were.
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = clean_cell(docx.text.paragraph.Paragraph(child, document).text)
            if text:
                text_block.append([text])
        elif tag == "tbl":
            if text_block:
                tables.append(text_block)
                text_block = []
            tables.append(_docx_rows(docx.table.Table(child, document)))
    if text_block:
        tables.append(text_block)
    return tables


def _docx_rows(table: docx.table.Table) -> Table:
    rows: Table = []
    for row in table.rows:
        cells: Row = []
        previous = None
        for cell in row.cells:
            # A gridSpan merge repeats the same <w:tc>; keep the column, blank the copy.
            cells.append("" if cell._tc is previous else clean_cell(_cell_text(cell)))
            previous = cell._tc
        if any(cells):
            rows.append(cells)
    return rows


def _cell_text(cell: docx.table._Cell) -> str:
    parts = [p.text for p in cell.paragraphs]
    # Nested tables inside a cell are rare; their text is appended so nothing is lost.
    for inner in cell.tables:
        for row in inner.rows:
            parts.extend(c.text for c in row.cells)
    return " ".join(p for p in parts if p.strip())


def read_xlsx(content: bytes) -> list[Table]:
    """Every sheet of a workbook; a vertically merged cell's value fills the rows it spans."""
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise RoadmapFormatError("openpyxl is not installed") from exc
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    except Exception as exc:
        raise RoadmapFormatError(f"not a readable .xlsx file ({exc})") from exc
    tables: list[Table] = []
    for sheet in workbook.worksheets:
        grid = [[_xlsx_value(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        for merged in sheet.merged_cells.ranges:
            top, left = merged.min_row - 1, merged.min_col - 1
            if top >= len(grid) or left >= len(grid[top]):
                continue
            value = grid[top][left]
            for r in range(top + 1, min(merged.max_row, len(grid))):
                if left < len(grid[r]):
                    grid[r][left] = value
        rows = [[clean_cell(v) for v in row] for row in grid]
        tables.append([r for r in rows if any(r)])
    return tables


def _xlsx_value(value: object) -> str:
    # Excel turns typed dates into datetimes; write them back the way people type them.
    if isinstance(value, date | time):  # datetime included
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an item number typed as «2» comes back as 2.0
    return "" if value is None else str(value)


# --- dispatch ---------------------------------------------------------------------------------


def read_tables(content: bytes, filename: str) -> list[Table]:
    """Pick a reader by extension, falling back to sniffing the content; a file too big to
    be a roadmap is refused before any reader opens it (limits.py)."""
    from .limits import check

    check(content)
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".docx":
        return read_docx(content)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(content)
    if suffix in (".doc", ".xls", ".pdf", ".odt", ".rtf"):
        raise RoadmapFormatError(f"unsupported format {suffix}: save it as .docx, .xlsx or .csv")
    if content.startswith(b"PK"):
        return _read_zip(content)
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RoadmapFormatError("binary file of an unknown format")
    text = decode(content)
    if suffix == ".csv":
        return read_csv(text)
    if suffix in (".tsv", ".tab"):
        return read_tsv(text)
    return read_text(text)


def _read_zip(content: bytes) -> list[Table]:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
    except zipfile.BadZipFile as exc:
        raise RoadmapFormatError("corrupt archive: not a .docx or .xlsx file") from exc
    if "word/document.xml" in names:
        return read_docx(content)
    if "xl/workbook.xml" in names:
        return read_xlsx(content)
    raise RoadmapFormatError("archive is neither a .docx nor an .xlsx file")
