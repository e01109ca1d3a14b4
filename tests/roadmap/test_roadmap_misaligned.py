"""Roadmaps whose rows do not line up with their header (issue 20), through `mentorbot roadmap
preview FILE --period A:B --json`: every item dated, with its own responsible parties, in
.txt, .docx and .xlsx. The files are in fixtures/misaligned/, made by its build.py."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.services.roadmap import parse_roadmap, parse_text
from tests.roadmap.fixtures.misaligned import build

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "misaligned"
PERIOD = build.PERIOD
SCHOOL_YEAR = (date(2024, 9, 1), date(2025, 8, 31))
KEYS = ["number", "section", "title", "content", "deadline_text", "start", "end", "recurrence",
        "responsible", "result", "warnings"]
FILES = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".txt", ".docx", ".xlsx"))

# (number, title, start, end, recurrence, responsible), written out from build.ROWS by hand.
EXPECTED = [
    ("1.1", "Информирование педагогов о запуске программы наставничества",
     "2024-09-01", "2024-09-30", None, ["Заместитель директора по ВР"]),
    ("1.2", "Разработка и утверждение Положения о программе наставничества",
     "2024-10-15", "2024-10-15", None, ["Заместитель директора по УВР", "Петрова Е.С."]),
    ("1.3", "Анкетирование педагогов и обучающихся о запросах на наставничество",
     "2024-10-01", "2024-11-30", None, ["Педагог-психолог", "Классные руководители"]),
    ("2.1", "Формирование базы наставников",
     "2024-10-01", "2024-11-30", None, ["Руководители МО", "Наставники"]),
    ("2.2", "Обучение наставников", "2024-11-01", "2024-12-31", None, ["Иванова А.П."]),
    ("2.3", "Закрепление наставнических пар приказом директора",
     "2024-12-01", "2024-12-31", None, ["Заместитель директора по ВР", "Социальный педагог"]),
    ("3.1", "Встречи наставников и наставляемых по индивидуальным планам",
     "2024-09-01", "2025-08-31", None, ["Наставники"]),
    ("3.2", "Промежуточный мониторинг работы наставнических пар",
     "2025-01-01", "2025-01-31", None, ["Педагог-психолог"]),
    ("3.3", "Консультации для наставников",
     "2024-09-01", "2025-08-31", "monthly", ["Руководители МО", "Педагог-психолог"]),
    ("4.1", "Итоговая конференция наставников и наставляемых",
     "2025-04-01", "2025-05-31", None, ["Заместитель директора по ВР", "Классные руководители"]),
    ("4.2", "Награждение лучших наставников благодарственными письмами",
     "2025-05-01", "2025-05-31", None, ["Директор"]),
]
SECTIONS = {
    "1": "1. Подготовка условий для запуска программы наставничества",
    "2": "2. Формирование наставнических пар",
    "3": "3. Работа наставнических пар",
    "4": "4. Завершение программы",
}
DESCRIPTIONS = [row[2] for row in build.ROWS if len(row) > 2]
WARNED = {  # the files whose header and cells disagree: the preview says which columns moved
    "merged_rows.txt": "responsible in column 3, deadline in column 4",
    "merged_rows.docx": "responsible in column 3, deadline in column 4",
    "merged_rows.xlsx": "responsible in column 3, deadline in column 4",
    "merged_rows_grid.docx": "responsible in column 4",
    "split_rows.txt": "deadline in column 4, responsible in column 5",
    "split_rows.xlsx": "deadline in column 4, responsible in column 5",
}


def _preview(capsys, name: str, *extra: str) -> str:
    code = main(["roadmap", "preview", str(FIXTURES / name), "--period", PERIOD, *extra])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def test_every_shape_is_here_in_three_formats():
    for shape in build.SHAPES:
        for suffix in (".txt", ".docx", ".xlsx"):
            assert f"{shape}{suffix}" in FILES


@pytest.mark.parametrize("name", FILES)
def test_preview_json_gives_dated_items_with_their_responsible_parties(capsys, name):
    items = json.loads(_preview(capsys, name, "--json"))
    assert all(list(item) == KEYS for item in items)
    got = [(i["number"], i["title"], i["start"], i["end"], i["recurrence"], i["responsible"])
           for i in items]
    assert got == EXPECTED
    assert all(i["warnings"] == [] for i in items)
    assert [i["section"] for i in items] == [SECTIONS[i["number"][0]] for i in items]
    shape = name.split(".")[0].removesuffix("_grid").removesuffix("_vmerge")
    # The description is read where the document has it: a column of its own (content), the
    # «Ожидаемый результат» column (result), or nowhere when it was merged away.
    expected_content = DESCRIPTIONS if shape in ("split_rows", "two_row_header") else [None] * 11
    expected_result = DESCRIPTIONS if shape == "wrapped_header" else [None] * 11
    assert [i["content"] for i in items] == expected_content
    assert [i["result"] for i in items] == expected_result


@pytest.mark.parametrize("name", FILES)
def test_preview_warns_when_the_header_and_the_cells_disagree(capsys, name):
    out = _preview(capsys, name)
    line = "columns read by content, not the header: "
    if name in WARNED:
        assert f"Warnings:\n  {line}{WARNED[name]}\n" in out
    else:
        assert line not in out  # a header over two rows, or merged over two columns, is no error
    assert "Undated items" not in out


def test_committed_files_are_what_build_makes():
    for name, content in build.build_all().items():
        committed = (FIXTURES / name).read_bytes()
        if name.endswith(".txt"):
            assert committed == content, name
        else:  # office files may differ by library version; what they say may not
            assert [i.to_json() for i in parse_roadmap(committed, name, SCHOOL_YEAR).items] == [
                i.to_json() for i in parse_roadmap(content, name, SCHOOL_YEAR).items], name


def test_an_empty_responsible_column_is_not_filled_from_a_look_alike():
    # «Примечание» holds «педагоги», a title mentions a role: the header still holds.
    text = (
        "№\tМероприятия\tСрок\tПримечание\tОтветственный\n"
        "1\tМетодический семинар для молодых специалистов\tОктябрь-ноябрь\tпедагоги\t\n"
        "2\tИтоговая конференция\tМай\tпедагоги\t\n"
    )
    parsed = parse_text(text, SCHOOL_YEAR)
    assert [(i.title, i.responsible) for i in parsed.items] == [
        ("Методический семинар для молодых специалистов", []), ("Итоговая конференция", [])]
    assert parsed.warnings == []


def test_a_column_of_numbers_under_an_empty_heading_is_the_number():
    text = (
        "\tМероприятия\tСрок исполнения\tОтветственные\n"
        "1.\tИнформирование педагогов о запуске программы наставничества\tСентябрь\t"
        "Заместитель директора по ВР\n"
        "2.\tОбучение наставников\tНоябрь - декабрь\tРуководители МО Наставники\n"
    )
    items = parse_text(text, SCHOOL_YEAR).items
    assert [(i.number, i.title[:20], str(i.deadline.start), i.responsible) for i in items] == [
        ("1", "Информирование педаг", "2024-09-01", ["Заместитель директора по ВР"]),
        ("2", "Обучение наставников", "2024-11-01", ["Руководители МО", "Наставники"]),
    ]


def _generated(seed: int) -> tuple[str, str, str]:
    """An aligned roadmap with stage and activity columns, the same with the rows merging
    them (header wider than rows), and with the header merging them (rows wider)."""
    from tests.roadmap.snapshot import _CONTENTS, _DEADLINES, _HEADINGS, _PEOPLE, _TITLES

    rng = random.Random(seed)
    order = ["number", "title", "content", *rng.choice([["deadline", "responsible"],
                                                        ["responsible", "deadline"]])]
    pools = {"title": _TITLES, "content": [c for c in _CONTENTS if c],
             "deadline": [d for d in _DEADLINES if d],
             "responsible": [p for p in _PEOPLE if p] + ["Руководители МО Наставники"]}
    rows = [{"number": f"{s}.{i}", **{r: rng.choice(pools[r]) for r in pools}}
            for s in (1, 2) for i in range(1, rng.randint(3, 5))]
    head = {r: rng.choice(_HEADINGS[r]) for r in order} | {"title": "Этап",
                                                           "content": "Мероприятия"}
    short = [r for r in order if r != "content"]

    def table(header: list[str], cells: list[str]) -> str:
        return "\n".join(["\t".join(header), *("\t".join(row[r] for r in cells) for row in rows)])

    return (table([head[r] for r in order], order),
            table([head[r] for r in order], short),
            table([head[r] if r != "title" else "Мероприятия" for r in short], order))


@pytest.mark.parametrize("seed", range(40))
def test_breaking_an_aligned_roadmap_either_way_keeps_its_dates_and_people(seed):
    def read(text: str):
        return [(i.number, i.deadline.start, i.deadline.end, i.responsible)
                for i in parse_text(text, SCHOOL_YEAR).items]

    aligned, header_wider, rows_wider = _generated(seed)
    expected = read(aligned)
    assert any(start for _, start, _, _ in expected)  # some deadlines are «по запросу»
    assert read(header_wider) == expected
    assert read(rows_wider) == expected
