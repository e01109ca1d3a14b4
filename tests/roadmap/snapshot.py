"""Regression guard for the roadmap importer: the JSON it gives for a corpus of documents.

    python -m tests.roadmap.snapshot project              # the project's own fixtures
    python -m tests.roadmap.snapshot seeds ../shared/seeds
    python -m tests.roadmap.snapshot synthetic 300        # generated aligned roadmaps
    python -m tests.roadmap.snapshot diff before.json after.json

Each document is parsed as text and, converted the way tests/roadmap/test_roadmap_formats.py
converts the seeds, as .docx and .xlsx, with and without a programme period. The project
corpus is committed (tests/roadmap/snapshots/project.json) and compared by
test_roadmap_snapshot.py; the seed and synthetic ones are for comparing a branch by hand.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date
from pathlib import Path

from bot.services.roadmap import parse_roadmap

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "bot" / "cli" / "demo_data" / "roadmap.tsv"

Period = tuple[date, date] | None
Document = tuple[str, bytes, str, Period]  # key, content, file name, period


def snapshot(documents: list[Document]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for key, content, filename, period in documents:
        parsed = parse_roadmap(content, filename, period)
        out[key] = {"items": [i.to_json() for i in parsed.items], "warnings": parsed.warnings}
    return out


def _formats(key: str, text: str, periods: list[Period]) -> list[Document]:
    from tests.roadmap.test_roadmap_formats import _seed_as_docx, _seed_as_xlsx

    docs: list[Document] = []
    for period in periods:
        tag = f"{period[0]}:{period[1]}" if period else "no-period"
        docs.append((f"{key}.txt {tag}", text.encode("utf-8"), f"{key}.txt", period))
        docs.append((f"{key}.docx {tag}", _seed_as_docx(text), f"{key}.docx", period))
        docs.append((f"{key}.xlsx {tag}", _seed_as_xlsx(text), f"{key}.xlsx", period))
    return docs


def project_documents() -> list[Document]:
    from tests.roadmap.test_roadmap_formats import CSV_OTHER_ORDER, STAGES

    docs = _formats("demo", DEMO.read_text("utf-8"), [(date(2022, 8, 1), date(2023, 6, 30)), None])
    docs += _formats("stages", STAGES, [(date(2022, 9, 1), date(2023, 8, 31)), None])
    for period in [(date(2022, 9, 1), date(2023, 5, 31)), None]:
        tag = f"{period[0]}:{period[1]}" if period else "no-period"
        docs.append((f"csv_other_order {tag}", CSV_OTHER_ORDER.encode("utf-8"), "plan.csv",
                     period))
    return docs


def seed_documents(seeds_dir: Path) -> list[Document]:
    from tests.roadmap.conftest import SEEDS

    docs: list[Document] = []
    for key, (name, period) in SEEDS.items():
        docs += _formats(f"seed{key}", (seeds_dir / name).read_text("utf-8"), [period, None])
    return docs


# --- synthetic aligned roadmaps ---------------------------------------------------------------

_HEADINGS = {
    "number": ["№", "№ п/п", "N"],
    "title": ["Мероприятия", "Наименование мероприятия", "Содержание мероприятия", "Мероприятие"],
    "content": ["Содержание деятельности", "Описание", "Формы работы"],
    "deadline": ["Сроки", "Срок реализации", "Срок исполнения", "Дата проведения", "Период"],
    "responsible": ["Ответственные", "Ответственный исполнитель", "Исполнители"],
    "result": ["Результат", "Ожидаемый результат", "Вид документа"],
    "other": ["Примечание", "Участники", "Отметка о выполнении"],
}
_TITLES = [
    "Издание приказа о внедрении целевой модели наставничества",
    "Разработка и утверждение Положения о наставничестве",
    "Анкетирование педагогов, желающих стать наставниками",
    "Формирование базы наставляемых",
    "Обучение наставников на курсах повышения квалификации",
    "Встреча-знакомство наставников и наставляемых",
    "Промежуточный мониторинг работы наставнических пар",
    "Итоговая конференция по результатам программы",
    "Педагогический совет по итогам года",
    "Методический семинар для молодых специалистов",
]
_CONTENTS = ["Проведение педсовета. Информирование на сайте.", "Сбор согласий", "",
             "1. Анкетирование. 2. Собеседование."]
_DEADLINES = [
    "Сентябрь 2022", "до 30.09.2022", "Октябрь-ноябрь", "Весь учебный год", "в течение года",
    "ежеквартально", "Ежегодно, июнь", "по запросу", "по отдельному графику", "май 2023",
    "с 3 по 28 октября 2022 г.", "Октябрь 2022 по май 2023", "", "1 раз в месяц",
]
_PEOPLE = [
    "Заместитель директора по ВР", "Куратор", "Кураторы, наставники", "Иванова А.П.",
    "Администрация", "Педагог-психолог", "Директор школы Петров И.С.", "Наставники",
    "Классные руководители", "Карпова И.Н. Светличная М.И.", "",
]
_RESULTS = ["Приказ", "Положение", "База наставников", "Отчёт", "", "Протокол педсовета"]
_OTHER = ["", "педагоги", "выполнено", "все участники"]


def _synthetic(rng: random.Random) -> tuple[str, Period]:
    roles = ["number", "title", "deadline", "responsible"]
    for extra in ("content", "result", "other"):
        if rng.random() < 0.4:
            roles.append(extra)
    body = roles[1:]
    rng.shuffle(body)
    if rng.random() < 0.7:  # the title usually comes first
        body.remove("title")
        body.insert(0, "title")
    roles = ["number", *body] if rng.random() < 0.8 else [*body, "number"]
    lines = [rng.choice(["ДОРОЖНАЯ КАРТА", "План мероприятий"])]
    lines.append("\t".join(rng.choice(_HEADINGS[r]) for r in roles))
    pools = {"title": _TITLES, "content": _CONTENTS, "deadline": _DEADLINES,
             "responsible": _PEOPLE, "result": _RESULTS, "other": _OTHER}
    for stage in range(1, rng.randint(2, 4)):
        if rng.random() < 0.6:
            lines.append("\t".join([f"{stage}. Этап работы"] + [""] * (len(roles) - 1)))
        for item in range(1, rng.randint(2, 5)):
            cells = [f"{stage}.{item}" if r == "number" else rng.choice(pools[r]) for r in roles]
            lines.append("\t".join(cells))
    period = rng.choice([(date(2022, 9, 1), date(2023, 8, 31)), None])
    return "\n".join(lines) + "\n", period


def synthetic_documents(count: int) -> list[Document]:
    rng = random.Random(20)
    docs: list[Document] = []
    for index in range(count):
        text, period = _synthetic(rng)
        docs += _formats(f"synthetic{index:03}", text, [period])
    return docs


# --- command line -----------------------------------------------------------------------------


def diff(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    lines = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if a == b:
            continue
        if a is None or b is None:
            lines.append(f"{key}: only {'after' if a is None else 'before'}")
            continue
        if a["warnings"] != b["warnings"]:
            lines.append(f"{key}: warnings {a['warnings']} -> {b['warnings']}")
        for index, (x, y) in enumerate(zip(a["items"], b["items"], strict=False)):
            for field in x:
                if x[field] != y.get(field):
                    lines.append(f"{key} #{index} {x['number']} {field}: {x[field]!r} -> "
                                 f"{y.get(field)!r}")
        if len(a["items"]) != len(b["items"]):
            lines.append(f"{key}: {len(a['items'])} items -> {len(b['items'])}")
    return lines


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "project"
    if command == "diff":
        before, after = (json.loads(Path(p).read_text("utf-8")) for p in argv[1:3])
        lines = diff(before, after)
        print("\n".join(lines) or "no differences")
        print(f"{len(before)} documents before, {len(after)} after, "
              f"{sum(before.get(k) != after.get(k) for k in set(before) | set(after))} differ",
              file=sys.stderr)
        return 1 if lines else 0
    if command == "seeds":
        docs = seed_documents(Path(argv[1]))
    elif command == "synthetic":
        docs = synthetic_documents(int(argv[1]) if len(argv) > 1 else 300)
    else:
        docs = project_documents()
    json.dump(snapshot(docs), sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
