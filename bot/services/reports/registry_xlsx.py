"""The personified registry of a programme's participants as an XLSX workbook that opens in
Excel and LibreOffice: a header row, real dates, an autofilter, a frozen header."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.services.curation import ExportRow
from bot.services.forms import form_title

DATE_FORMAT = "DD.MM.YYYY"
COLUMNS = ("number", "full_name", "role", "form", "age_group", "state", "created", "consent",
           "ready", "profile")
MAX_WIDTH = 50


def build(rows: Sequence[ExportRow], t: Callable[..., str], title: str) -> bytes:
    """`t` renders labels (a bound translator); the caller picks the language."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = t("reg.xlsx.sheet")[:31]
    headers = [t(f"reg.xlsx.{name}") for name in COLUMNS]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row in rows:
        sheet.append([
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
        ])
    for column in (7, 8, 9):
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = DATE_FORMAT
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        values = [str(header)] + [
            "00.00.0000" if index in (7, 8, 9) else str(c.value or "")
            for (c,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index)]
        sheet.column_dimensions[letter].width = min(MAX_WIDTH, max(len(v) for v in values) + 2)
    last = get_column_letter(len(headers))
    sheet.auto_filter.ref = f"A1:{last}{max(1, len(rows) + 1)}"
    sheet.freeze_panes = "A2"
    workbook.properties.title = title[:255]
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
