"""Cells of the workbooks the bot writes: text from people and files stays text.

Every writer puts its rows through `append_row` (or one cell through `put`) and saves through
`workbook_bytes`:

- Control characters that XML cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE, e.g. U+0001 in a
  name) are removed; openpyxl would refuse the value and the whole export would fail.
- Text starting with `=`, `+`, `-`, `@`, tab or CR (OWASP's CSV-injection list) is stored as a
  string cell with Excel's quote prefix: openpyxl would otherwise store «=HYPERLINK(…)» as a
  live formula. A string cell is shown as it is and never evaluated by Excel or LibreOffice;
  the quote prefix (what Excel records when a person types «'=…») keeps it text when someone
  edits the cell, without changing the value shown. Numbers and dates the bot computed stay
  numbers and dates.
- `workbook_bytes` turns any formula a writer let through into text before saving: the bot
  writes no formulas of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from io import BytesIO
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl is imported only when a workbook is built
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def clean_text(value: str) -> str:
    """The text without the control characters a worksheet cannot hold."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    illegal: re.Pattern[str] = ILLEGAL_CHARACTERS_RE
    return illegal.sub("", value)


def _clean(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


def as_text(cell: Cell) -> None:
    """Keep a cell holding text from being read as a formula (see the module's note)."""
    value = cell.value
    if cell.data_type == "f" or (isinstance(value, str) and value.startswith(FORMULA_STARTS)):
        cell.data_type = "s"
        cell.quotePrefix = True


def _entry(sheet: Worksheet, value: Any) -> Any:
    """What `sheet.append` gets for `value`: the value, or a cell already marked as text."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    if not value.startswith(FORMULA_STARTS):
        return value
    from openpyxl.cell.cell import Cell

    cell = Cell(sheet, value=value)
    as_text(cell)
    return cell


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """`sheet.append(values)` with every text value cleaned and kept as text."""
    sheet.append([_entry(sheet, value) for value in values])


def put(cell: Cell, value: Any) -> None:
    """`cell.value = value` with text cleaned and kept as text."""
    cell.value = _clean(value)
    as_text(cell)


def workbook_bytes(workbook: Workbook, title: str | None = None) -> bytes:
    """The saved workbook (with `title` as its document title), no cell of it a formula."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    as_text(cell)
    if title is not None:
        workbook.properties.title = clean_text(title)[:255]
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
