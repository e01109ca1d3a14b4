"""The personified registry of a programme's participants as an XLSX workbook that opens in
Excel and LibreOffice: a header row, real dates, an autofilter, a frozen header."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from bot.services.programmes.curation import ExportRow
from bot.services.programmes.forms import form_title
from bot.services.reports.cells import append_row, workbook_bytes

if TYPE_CHECKING:  # openpyxl (~35 MB) is imported only when a workbook is built
    from openpyxl.worksheet.worksheet import Worksheet

DATE_FORMAT = "DD.MM.YYYY"
COLUMNS = ("number", "full_name", "role", "form", "age_group", "state", "created", "consent",
           "ready", "profile")
MAX_WIDTH = 50


def build(rows: Sequence[ExportRow], t: Callable[..., str], title: str) -> bytes:
    """`t` renders labels (a bound translator); the caller picks the language."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = t("reg.xlsx.sheet")[:31]
    fill_registry(sheet, rows, t)
    return workbook_bytes(workbook, title)


def style_header(sheet: Worksheet) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def fit_columns(sheet: Worksheet, date_columns: Sequence[int] = ()) -> None:
    """Column widths from the longest value (dates count as DD.MM.YYYY)."""
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(sheet.iter_cols(min_row=1), start=1):
        values = ["00.00.0000" if index in date_columns and row > 0 else str(c.value or "")
                  for row, c in enumerate(column)]
        width = min(MAX_WIDTH, max((len(v) for v in values), default=0) + 2)
        sheet.column_dimensions[get_column_letter(index)].width = width


def finish_table(sheet: Worksheet, columns: int, rows: int) -> None:
    """An autofilter over the table and a frozen header row."""
    from openpyxl.utils import get_column_letter

    sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(1, rows + 1)}"
    sheet.freeze_panes = "A2"


def registry_headers(t: Callable[..., str]) -> list[str]:
    return [t(f"reg.xlsx.{name}") for name in COLUMNS]


def registry_values(rows: Sequence[ExportRow], t: Callable[..., str]) -> Iterator[list[Any]]:
    """The registry's rows as cell values (COLUMNS; dates in columns 7, 8 and 9)."""
    for row in rows:
        yield [
            row.number,
            row.full_name or "",
            t(f"role.{row.role}"),
            form_title(row.form, t) if row.form else "",
            t(f"age_group.{row.age_group}"),
            t(f"state.{row.state}"),
            row.created_on,
            row.consent_on,
            row.ready_on,
            t("reg.xlsx.yes") if row.profile_complete else t("reg.xlsx.no"),
        ]


def fill_registry(sheet: Worksheet, rows: Sequence[ExportRow], t: Callable[..., str]) -> None:
    """The registry table on `sheet` (empty): header, rows, dates, filter, frozen header."""
    headers = registry_headers(t)
    append_row(sheet, headers)
    style_header(sheet)
    for values in registry_values(rows, t):
        append_row(sheet, values)
    for column in (7, 8, 9):
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = DATE_FORMAT
    fit_columns(sheet, (7, 8, 9))
    finish_table(sheet, len(headers), len(rows))
