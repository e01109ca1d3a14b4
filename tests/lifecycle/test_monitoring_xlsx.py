"""The monitoring workbook read back cell by cell, and its chart."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from PIL import Image

from bot.services.reports import monitoring, monitoring_xlsx
from bot.services.surveys import ScaleQuestion, load_definitions

from .test_monitoring import INVITED, RECORDS, STAGE2


@pytest.fixture
def t(translator):
    return translator.bind("ru")


@pytest.fixture
def workbook(t):
    report = monitoring.report(RECORDS + STAGE2, INVITED)
    data = monitoring_xlsx.build(report, t, "Мониторинг", names={1: "Смирнова Анна"})
    return data, load_workbook(BytesIO(data))


def test_stage1_sheet(workbook):
    _, book = workbook
    sheet = book.worksheets[0]
    assert sheet.title == "Этап 1 — качество"
    assert [c.value for c in sheet[1]] == ["Вопрос", "Роль", "Форма наставничества",
                                           "Средний балл", "Ответов"]
    rows = {(r[0], r[1], r[2]): (r[3], r[4]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[("Эффективность программы", "Все участники", "Все формы")] == (
        pytest.approx(41 / 6), 6)
    assert rows[("Эффективность программы", "Наставляемые", "Все формы")] == (6.5, 4)
    mean_cell = sheet["D2"]
    assert isinstance(mean_cell.value, float) and mean_cell.number_format == "0.0"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:E{sheet.max_row}"


def test_completion_and_stage2_sheets(workbook):
    _, book = workbook
    completion = book.worksheets[1]
    assert [c.value for c in completion[1]][:5] == ["Роль", "Форма наставничества", "Приглашено",
                                                   "Заполнили анкету", "Доля"]
    assert [c.value for c in completion[2]][:5] == ["Все участники", "Все формы", 8, 6, 0.75]
    assert completion["E2"].number_format == "0.0%"
    assert (completion["H2"].value, completion["H3"].value, completion["H4"].value) == (4, 2, 0.5)
    stage2 = book.worksheets[2]
    assert stage2.title == "Этап 2 — рост"
    row = next(r for r in stage2.iter_rows(min_row=2, values_only=True)
               if r[:2] == ("Вовлечённость", "Наставляемые"))
    assert row == ("Вовлечённость", "Наставляемые", 2, 5.0, 6.0, 1.0, 1)
    assert stage2["F2"].number_format == "0.0"
    people = book.worksheets[3]
    names = {r[0] for r in people.iter_rows(min_row=2, values_only=True)}
    assert names == {"Смирнова Анна", "#2", "#11"}
    assert all(s.freeze_panes == "A2" and s.auto_filter.ref for s in book.worksheets)


def test_chart_is_embedded_png(workbook, t):
    data, _ = workbook
    with zipfile.ZipFile(BytesIO(data)) as archive:
        media = [n for n in archive.namelist() if n.startswith("xl/media/")]
    assert len(media) == 1
    png = monitoring_xlsx.chart_png(monitoring.stage1(RECORDS, INVITED), t)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(BytesIO(png))
    assert image.format == "PNG" and image.width >= 600 and image.height >= 300


def test_empty_report_has_headers_and_no_chart(t):
    report = monitoring.report([], {})
    book = load_workbook(BytesIO(monitoring_xlsx.build(report, t, "Пусто")))
    assert len(book.worksheets) == 5
    assert book.worksheets[4].title == "Условия программы (куратор)"
    assert all(s.max_row == 1 or s.title == "Охват" for s in book.worksheets)


def test_single_sheet_writer_into_a_given_worksheet(t):
    book = Workbook()
    monitoring_xlsx.write_stage1(book.active, monitoring.stage1(RECORDS, INVITED), t)
    assert book.active["A2"].value == "Эффективность программы"


def test_every_monitored_scale_has_a_short_label(translator):
    registry = load_definitions()
    for survey_id in [*monitoring.SATISFACTION_SURVEYS.values(), *monitoring.ENTRY_SURVEYS.values()]:
        for question in registry.get(survey_id).questions:
            if isinstance(question, ScaleQuestion):
                for locale in ("ru", "en"):
                    assert translator.has(f"monitoring.q.{question.id}", locale), question.id


def test_english_labels(translator):
    t = translator.bind("en")
    book = load_workbook(BytesIO(monitoring_xlsx.build(monitoring.report(RECORDS, INVITED), t, "M")))
    assert book.worksheets[0]["A2"].value == "Usefulness of the programme"
    assert book.worksheets[0].title == "Stage 1 — quality"


def test_conditions_sheet_lists_each_curators_scores_with_their_mean(t):
    from bot.services.reports.monitoring_data import CuratorAnswers

    conditions = [
        CuratorAnswers("Ольга Петровна", {"organisational_support": 8, "materials": 5,
                                          "main_difficulties": "Нет времени у наставников"}),
        CuratorAnswers(None, {"organisational_support": 5, "main_difficulties": None}),
    ]
    book = load_workbook(BytesIO(monitoring_xlsx.build(
        monitoring.report([], {}), t, "M", conditions=conditions)))
    sheet = book["Условия программы (куратор)"]
    assert [c.value for c in sheet[1]] == ["Вопрос", "Куратор", "Оценка (1–10)", "Ответ"]
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True)]
    support = [r[1:3] for r in rows if r[0].startswith("Насколько достаточной")]
    assert support == [("Ольга Петровна", 8), ("Куратор 2", 5), ("Среднее по кураторам", 6.5)]
    materials = [r[1:3] for r in rows if r[0].startswith("Насколько наставники были обеспечены")]
    assert materials == [("Ольга Петровна", 5)]  # one answer: no mean row
    texts = [(r[1], r[3]) for r in rows if r[3]]
    assert texts == [("Ольга Петровна", "Нет времени у наставников")]  # a skip is not shown
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:D{sheet.max_row}"
