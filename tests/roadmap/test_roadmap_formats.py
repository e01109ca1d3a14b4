"""The same roadmaps as .docx, .xlsx, CSV and pasted text; other layouts and header names."""

from __future__ import annotations

import io
from datetime import date

import docx
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.roadmap import RoadmapFormatError, parse_roadmap, parse_text
from bot.services.roadmap.readers import read_tsv
from tests.roadmap.conftest import ALL

D = date


def _blocks(text: str) -> list[list[list[str]]]:
    """Split the seed text at blank lines: each block is what sat on one page."""
    blocks, current = [], []
    for line in text.splitlines():
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return [read_tsv("\n".join(b))[0] for b in blocks]


def _seed_as_docx(text: str) -> bytes:
    """Title lines become paragraphs; each page of the table becomes its own Word table, as
    when a table is split at a page break. Section rows are written as merged cells."""
    document = docx.Document()
    for rows in _blocks(text):
        if all(len(r) == 1 for r in rows):
            for r in rows:
                document.add_paragraph(r[0])
            continue
        width = max(len(r) for r in rows)
        table = document.add_table(rows=len(rows), cols=width)
        for r, row in enumerate(rows):
            filled = [i for i, c in enumerate(row) if c]
            last = filled[-1] if filled else 0
            if filled and last < width - 1 and not any(row[last + 1 :]):
                # «1. Подготовка…» or «2.|Организационная…»: merge the text cell to the right edge.
                merged = table.cell(r, last).merge(table.cell(r, width - 1))
                for i in range(last):
                    table.cell(r, i).text = row[i]
                merged.text = row[last]
            else:
                for i, value in enumerate(row):
                    table.cell(r, i).text = value
        document.add_paragraph("")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _seed_as_xlsx(text: str, merge_vertical: bool = False) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    rows = [r for block in _blocks(text) for r in block]
    for row in rows:
        sheet.append(row)
    if merge_vertical:
        # Equal deadlines of consecutive rows merged into one cell, as people do in Excel.
        col = 4
        r = 1
        while r <= len(rows):
            end = r
            value = sheet.cell(r, col).value
            while end + 1 <= len(rows) and value and sheet.cell(end + 1, col).value == value:
                end += 1
            if end > r:
                for k in range(r + 1, end + 1):
                    sheet.cell(k, col).value = None
                sheet.merge_cells(start_row=r, start_column=col, end_row=end, end_column=col)
            r = end + 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _json(parsed):
    return [i.to_json() for i in parsed.items]


@pytest.mark.parametrize("key", ALL)
def test_docx_parses_like_text(seed, key):
    name, content, period = seed(key)
    expected = _json(parse_roadmap(content, name, period))
    as_docx = _seed_as_docx(content.decode("utf-8"))
    assert len(docx.Document(io.BytesIO(as_docx)).tables) > 1  # the table really is split
    assert _json(parse_roadmap(as_docx, "roadmap.docx", period)) == expected


@pytest.mark.parametrize("key", ALL)
def test_xlsx_parses_like_text(seed, key):
    name, content, period = seed(key)
    expected = _json(parse_roadmap(content, name, period))
    as_xlsx = _seed_as_xlsx(content.decode("utf-8"))
    assert _json(parse_roadmap(as_xlsx, "roadmap.xlsx", period)) == expected


@pytest.mark.parametrize("key", ["school", "001"])
def test_xlsx_vertically_merged_deadlines_apply_to_every_row(seed, key):
    name, content, period = seed(key)
    expected = _json(parse_roadmap(content, name, period))
    as_xlsx = _seed_as_xlsx(content.decode("utf-8"), merge_vertical=True)
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx)).active
    assert sheet.merged_cells.ranges  # the fixture really has merges
    assert _json(parse_roadmap(as_xlsx, "roadmap.xlsx", period)) == expected


def test_xlsx_every_sheet_and_typed_dates():
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.append(["№", "Мероприятие", "Срок", "Ответственный"])
    first.append(["1", "Приказ о внедрении ЦМН", D(2022, 9, 15), "Директор"])
    second = workbook.create_sheet("Лист2")
    second.append(["№", "Мероприятие", "Срок", "Ответственный"])
    second.append(["2", "Итоговая конференция", "май 2023", "Куратор"])
    out = io.BytesIO()
    workbook.save(out)
    items = parse_roadmap(out.getvalue(), "plan.xlsx").items
    assert [(i.number, i.deadline.start) for i in items] == [
        ("1", D(2022, 9, 15)), ("2", D(2023, 5, 1))
    ]


@pytest.mark.parametrize("key", ["college", "000"])
def test_docx_with_header_repeated_after_page_break(seed, key):
    name, content, period = seed(key)
    text = content.decode("utf-8")
    lines = text.splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("№ п/п\t"))
    header = "\t".join(lines[header_at].split("\t")[:4] + ["Результат"])
    # Repeat the header on the second page, as Word does with «repeat header rows».
    i = lines.index("", header_at + 10)
    lines.insert(i + 1, header)
    expected = _json(parse_roadmap(content, name, period))
    assert _json(parse_roadmap(_seed_as_docx("\n".join(lines)), "x.docx", period)) == expected


CSV_OTHER_ORDER = (
    "Дорожная карта внедрения ЦМН на 2022/2023 учебный год\n"
    "Сроки исполнения;Наименование мероприятия;Ответственные;№;Ожидаемый результат\n"
    "Сентябрь 2022;Издание приказа о внедрении ЦМН;Иванова А.А., Петров Б.Б.;1.;Приказ\n"
    "\"до 01.10.2022\";\"Формирование базы наставников; анкетирование\";Куратор;2.;База\n"
    "ежемесячно;Встречи наставнических пар;Наставники;3.;\n"
    "По запросу;Консультации психолога;Педагог-психолог;4.;Консультации\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_csv_other_order_and_header_names(encoding):
    period = (D(2022, 9, 1), D(2023, 5, 31))
    parsed = parse_roadmap(CSV_OTHER_ORDER.encode(encoding), "plan.csv", period)
    got = [(i.number, i.title, i.deadline.start, i.deadline.end, i.responsible, i.result)
           for i in parsed.items]
    assert got == [
        ("1", "Издание приказа о внедрении ЦМН", D(2022, 9, 1), D(2022, 9, 30),
         ["Иванова А.А.", "Петров Б.Б."], "Приказ"),
        ("2", "Формирование базы наставников; анкетирование", D(2022, 10, 1), D(2022, 10, 1),
         ["Куратор"], "База"),
        ("3", "Встречи наставнических пар", D(2022, 9, 1), D(2023, 5, 31), ["Наставники"], None),
        ("4", "Консультации психолога", None, None, ["Педагог-психолог"], "Консультации"),
    ]
    assert parsed.items[2].deadline.recurrence == "monthly"
    assert parsed.items[3].deadline.kind == "on_request"


def test_csv_with_commas():
    text = (
        "Мероприятия,Срок,Исполнители\n"
        "Педсовет,\"август, 2022\",Директор\n"
        "\"Анкетирование, отбор\",\"с 1 по 15 сентября 2022 г.\",\"Куратор, Наставники\"\n"
    )
    items = parse_roadmap(text.encode(), "plan.csv").items
    assert [(i.title, i.deadline.start, i.deadline.end, i.responsible) for i in items] == [
        ("Педсовет", D(2022, 8, 1), D(2022, 8, 31), ["Директор"]),
        ("Анкетирование, отбор", D(2022, 9, 1), D(2022, 9, 15), ["Куратор", "Наставники"]),
    ]


STAGES = (
    "План мероприятий по реализации программы наставничества\n"
    "Мероприятие\tСроки\tОтветственный\tРезультат\n"
    "Этап 1. Подготовка\t\t\t\n"
    "Издание приказа о внедрении целевой модели\tСентябрь – октябрь\tДиректор\tПриказ\n"
    "Формирование базы наставников\tЕжегодно, июнь\tКуратор\tБаза\n"
    "Этап 2. Реализация\t\t\t\n"
    "Встречи наставнических пар\tежемесячно\tНаставники\t\n"
    "Обучение наставников\tноябрь – февраль\tЗаместитель директора по УВР Иванова И.И.\t\n"
    "Итоговая конференция\tМай\tКуратор\tОтчёт\n"
)


def test_stages_without_numbers_and_deadlines_without_year():
    period = (D(2022, 9, 1), D(2023, 8, 31))
    items = parse_roadmap(STAGES.encode(), "stages.txt", period).items
    got = [(i.number, i.section, i.title[:20], i.deadline.start, i.deadline.end,
            i.deadline.recurrence) for i in items]
    assert got == [
        (None, "Этап 1. Подготовка", "Издание приказа о вн", D(2022, 9, 1), D(2022, 10, 31), None),
        (None, "Этап 1. Подготовка", "Формирование базы на", D(2023, 6, 1), D(2023, 6, 30),
         "yearly"),
        (None, "Этап 2. Реализация", "Встречи наставническ", D(2022, 9, 1), D(2023, 8, 31),
         "monthly"),
        (None, "Этап 2. Реализация", "Обучение наставников", D(2022, 11, 1), D(2023, 2, 28), None),
        (None, "Этап 2. Реализация", "Итоговая конференция", D(2023, 5, 1), D(2023, 5, 31), None),
    ]
    assert items[3].responsible == ["Заместитель директора по УВР", "Иванова И.И."]
    # Without a period the same document still lists every item, undated with a warning.
    undated = parse_roadmap(STAGES.encode(), "stages.txt").items
    assert len(undated) == 5
    assert undated[0].deadline.start is None and undated[0].warnings


def test_pasted_pipe_table():
    text = """
| № | Мероприятия | Сроки | Ответственные |
|---|---|---|---|
| 1 | Анкетирование педагогов | до 20.09.2022 | Куратор |
| 2 | Формирование пар | октябрь 2022 | Куратор |
"""
    items = parse_text(text).items
    assert [(i.number, i.deadline.end) for i in items] == [
        ("1", D(2022, 9, 20)), ("2", D(2022, 10, 31))
    ]


@pytest.mark.parametrize("key", ["village", "002"])
def test_pasted_tab_text_without_header(seed, key):
    name, content, period = seed(key)
    assert _json(parse_text(content.decode("utf-8"), period)) == _json(
        parse_roadmap(content, name, period)
    )


@pytest.mark.parametrize(
    ("content", "filename"),
    [(b"PK\x03\x04garbage", "x.docx"), (b"not a workbook", "x.xlsx"), (b"\xd0\xcf\x11\xe0", "x.doc"),
     (b"PK\x03\x04garbage", "upload.bin"), (b"\x00\x01\x02binary", "x.dat")],
)
def test_unreadable_files_raise_format_error(content, filename):
    with pytest.raises(RoadmapFormatError):
        parse_roadmap(content, filename)


def test_text_without_table_gives_no_items_and_a_warning():
    parsed = parse_roadmap("Просто письмо\nбез таблицы".encode(), "letter.txt")
    assert parsed.items == []
    assert parsed.warnings


_CELL = st.sampled_from(
    ["", "1.", "1.1", "2", "Этап 1. Подготовка", "Мероприятия", "Срок", "Ответственный",
     "до 15.02.2021", "Сентябрь – октябрь", "Иванова И.И.", "текст продолжения", "<ul><li>a</li>",
     "№ п/п", "ежегодно", "Результат"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_CELL, min_size=1, max_size=6), max_size=12))
def test_parse_text_never_crashes_on_odd_tables(rows):
    text = "\n".join("\t".join(r) for r in rows)
    parsed = parse_text(text, (D(2022, 9, 1), D(2023, 8, 31)))
    for item in parsed.items:
        assert list(item.to_json())[0] == "number"


def test_docx_stage_paragraphs_between_tables_and_notes_after():
    document = docx.Document()
    document.add_paragraph("ДОРОЖНАЯ КАРТА")
    document.add_paragraph("Этап 1. Подготовительный")
    table = document.add_table(rows=2, cols=3)
    for c, value in enumerate(["Мероприятие", "Срок", "Ответственный"]):
        table.cell(0, c).text = value
    for c, value in enumerate(["Приказ о внедрении", "сентябрь 2022", "Директор"]):
        table.cell(1, c).text = value
    document.add_paragraph("Этап 2. Основной")
    table = document.add_table(rows=1, cols=3)
    for c, value in enumerate(["Встречи пар", "ежемесячно", "Наставники"]):
        table.cell(0, c).text = value
    document.add_paragraph("примечание: сроки могут уточняться")
    out = io.BytesIO()
    document.save(out)
    items = parse_roadmap(out.getvalue(), "plan.docx", (D(2022, 9, 1), D(2023, 5, 31))).items
    assert [(i.section, i.title) for i in items] == [
        ("Этап 1. Подготовительный", "Приказ о внедрении"),
        ("Этап 2. Основной", "Встречи пар"),
    ]


@pytest.mark.parametrize("key", ["college", "000"])
def test_utf16_text_from_word(seed, key):
    name, content, period = seed(key)
    as_utf16 = content.decode("utf-8").encode("utf-16")
    assert _json(parse_roadmap(as_utf16, "export.txt", period)) == _json(
        parse_roadmap(content, name, period)
    )


def test_numbers_with_parenthesis_or_typed_with_the_title():
    text = (
        "№\tМероприятие\tСрок\tОтветственный\n"
        "1)\tАнкетирование\tсентябрь 2022\tКуратор\n"
        "2.1 Формирование пар\t\tоктябрь 2022\tКуратор\n"
    )
    items = parse_text(text).items
    assert [(i.number, i.title) for i in items] == [("1", "Анкетирование"), ("2.1", "Формирование пар")]


def test_file_starting_with_the_tail_of_a_row_ignores_it_with_a_warning():
    text = (
        "\t\tнаставничества\t\t\n"
        "1.8.\tРазработка положения\tдо 19.10.2020\tСветличная М.И.\tПоложение\n"
        "1.9\tУтверждение актов\tдо 16.11.2020\tКарпова И.Н.\tПриказы ОО\n"
    )
    parsed = parse_text(text)
    assert [i.number for i in parsed.items] == ["1.8", "1.9"]
    assert any("missing page" in w for w in parsed.warnings)


def test_xlsx_numbers_typed_as_numbers():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["№", "Мероприятие", "Срок", "Ответственный"])
    sheet.append([1, "Раздел", None, None])
    sheet.append([1.1, "Анкетирование", "сентябрь 2022", "Куратор"])
    sheet.append([2.0, "Формирование пар", "октябрь 2022", "Куратор"])
    out = io.BytesIO()
    workbook.save(out)
    items = parse_roadmap(out.getvalue(), "plan.xlsx").items
    assert [(i.number, i.section) for i in items] == [("1.1", "1. Раздел"), ("2", None)]
