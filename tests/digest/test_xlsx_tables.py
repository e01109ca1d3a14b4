"""The /report workbook's own writer (bot/services/reports/xlsx_tables.py) gives what openpyxl
gave: a bold frozen header, an autofilter, widths from the values, dates as dates, shares as
percentages, text that looks like a formula kept as text, control characters removed."""

from __future__ import annotations

import warnings
from datetime import date, datetime
from io import BytesIO

from openpyxl import load_workbook

from bot.services.reports.xlsx_tables import PERCENT, Table, workbook_bytes


def test_a_table_reads_back_as_openpyxl_wrote_it():
    table = Table("Лист 'один' <&>", ["№", "Имя", "Дата", "Доля"])
    table.add([1, '=HYPERLINK("http://evil.example")', date(2026, 12, 5), 0.5],
              styles=(None, None, None, PERCENT))
    table.add([2, "  Анна  ", None, None])
    table.add([3, "Лебедева\x01 Ия", date(2027, 1, 1), 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # openpyxl warns about what it cannot read
        book = load_workbook(BytesIO(workbook_bytes([table, Table("Пусто", ["A"])],
                                                    "Отчёт\x02")))
    assert book.sheetnames == ["Лист 'один' <&>", "Пусто"]
    assert book.properties.title == "Отчёт"
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:D4"
    assert all(cell.font.b for cell in sheet[1])
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert rows == [[1, '=HYPERLINK("http://evil.example")', datetime(2026, 12, 5), 0.5],
                    [2, "  Анна  ", None, None], [3, "Лебедева Ия", datetime(2027, 1, 1), 1]]
    formula_like = sheet["B2"]
    assert formula_like.data_type == "s" and formula_like.quotePrefix
    assert sheet["A2"].data_type == "n" and sheet["C2"].number_format == "DD.MM.YYYY"
    assert sheet["D2"].number_format == "0%" and sheet["D4"].number_format == "General"
    assert {k: v.width for k, v in sheet.column_dimensions.items()} == {
        "A": 3, "B": 35, "C": 12, "D": 6}
    assert book.worksheets[1].auto_filter.ref == "A1:A1"
