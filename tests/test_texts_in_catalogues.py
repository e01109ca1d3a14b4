"""Every text the bot shows lives in locales/: no Russian words in the code of bot/, handlers/
and scheduler/ except where they are data the bot reads, not words it says (each exception
says why)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("bot", "handlers", "scheduler")
CYRILLIC = re.compile("[А-Яа-яЁё]")

# Modules whose Russian literals all recognise what Russian roadmap files say (parsers).
READS_RUSSIAN_FILES = {
    "bot/services/roadmap/deadlines.py": "month names, «до», «с … по», «ежемесячно» in deadlines",
    "bot/services/roadmap/roles.py": "the roles a roadmap names as responsible («заместитель …»)",
    "bot/services/roadmap/people.py": "people's names and positions in the responsible column",
    "bot/services/roadmap/tables.py": "the Russian column headers of a roadmap table",
    "bot/services/roadmap/importer.py": "section headings («Этап 1») between a table's rows",
    "bot/services/roadmap/responsible.py": "the letters of Russian names (character classes)",
    "bot/services/programmes/genitive.py": "the letters of Russian words (a character class) of "
                                           "an organisation's name it declines",
    # English notes of the operator's CLI that quote the Russian word of the file they are about;
    # the bot shows the code's translation (roadmap.warning.<code>) instead.
    "bot/services/roadmap/notes.py": "quotes «с», «по», «до» of the file in English CLI notes",
    # The operator's command-line preview of a roadmap file (not a bot message): its columns
    # are named like the file's own.
    "bot/cli/roadmap.py": "column names of the CLI's preview of a Russian roadmap",
    # The demo plays Russian-speaking people: the words are what they type and press.
    "bot/cli/demo.py": "what the demo's simulated people type and press",
    "bot/cli/demo_region.py": "what the demo's simulated owner and coordinators type and press",
}
# Single literals that are input or data, not texts the bot says.
DATA_LITERALS = {
    ("bot/services/roadmap/items.py", "ё"): "folds ё into е to compare titles",
    ("bot/services/roadmap/items.py", "е"): "folds ё into е to compare titles",
    ("bot/services/people/timezones.py", r"^(?:utc|gmt|мск)?\s*([+-])\s*(\d{1,2})(?::00)?$"):
        "reads the «мск+2» a person types",
    ("bot/emulator/seed.py", "МБОУ СОШ № 1"): "a test organisation's name, as a curator writes it",
    ("bot/emulator/seed.py", "Наставничество 2026"): "a test programme's title, as a curator writes it",
    ("bot/emulator/survey_player.py", "Учитель истории"): "what a simulated participant types",
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def russian_literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string literal with Cyrillic in it, docstrings aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and CYRILLIC.search(node.value) and id(node) not in docs]


def test_no_user_facing_russian_in_the_code():
    found = []
    for source in SOURCES:
        for path in sorted((ROOT / source).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name in READS_RUSSIAN_FILES:
                continue
            found += [f"{name}:{line}: {text[:60]!r}" for line, text in russian_literals(path)
                      if (name, text) not in DATA_LITERALS]
    assert found == [], "texts belong in locales/*/LC_MESSAGES/*.po:\n" + "\n".join(found)


def test_the_exceptions_still_exist():
    """An exception whose module or literal is gone is removed, so the list stays true."""
    for name in READS_RUSSIAN_FILES:
        assert russian_literals(ROOT / name), f"{name} has no Russian literal any more"
    for name, text in DATA_LITERALS:
        assert text in {t for _, t in russian_literals(ROOT / name)}, (name, text)


def test_the_scan_sees_a_russian_text(tmp_path):
    """The scan finds a Russian reply in code (and not a docstring or comment)."""
    module = tmp_path / "handler.py"
    module.write_text('"""Ответ на /start."""\n# комментарий\n'
                      'async def start(message):\n    await message.answer("Здравствуйте!")\n',
                      encoding="utf-8")
    assert russian_literals(module) == [(4, "Здравствуйте!")]
