"""Roadmap files for the roadmap import benchmark and its tests: the heaviest ones the limits
let a reader open (bot/services/roadmap/limits.py), the biggest roadmap the bot takes whole,
and the hostile ones of issue #16 (a .docx of a million empty paragraphs, an .xlsx of 90,000
rows). Built fast from raw XML, deterministic.

The big ones take seconds of CPU each (the 90,000-row workbook ~6 s, the heaviest .docx ~1.5 s)
and the tests and bench.roadmap_upload ask for them in several processes: each is built once
and kept, in the process and on disk (`_kept`), until this module, the limits or the libraries
that write the files change."""

from __future__ import annotations

import functools
import hashlib
import inspect
import io
import os
import random
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from bot.services.roadmap.limits import DEFAULT_LIMITS, Limits

WORDS = ("проведение совещания наставников кураторов анкетирования мониторинга программы "
         "обучение встреча отчёт план семинар методический практика итоговый ресурс "
         "организация школа педагог молодой специалист").split()
HEADER = ("№", "Мероприятие", "Срок", "Ответственный", "Результат")


@cache
def _cache_folder() -> Path:
    """The user's cache folder, as pip's (MENTORBOT_FILES_CACHE: another one)."""
    if os.environ.get("MENTORBOT_FILES_CACHE"):
        return Path(os.environ["MENTORBOT_FILES_CACHE"])
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except RuntimeError:  # no home directory
        base = Path(tempfile.gettempdir())
    return base / "mentorbot" / "roadmap-files"


@cache
def _makers() -> bytes:
    """What the files are made by: this module, Python, zlib, openpyxl and python-docx."""
    from importlib import metadata

    parts = [Path(__file__).read_bytes(), sys.version.encode(),
             zlib.ZLIB_RUNTIME_VERSION.encode(),
             metadata.version("openpyxl").encode(), metadata.version("python-docx").encode()]
    return hashlib.sha256(b"\0".join(parts)).digest()


def _kept(build: Callable[..., bytes]) -> Callable[..., bytes]:
    """`build`, its result kept for the same arguments (the limits included, defaults too): in
    this process, and in the cache folder for the next one (written whole or not at all; a
    folder that cannot be written only means building again)."""
    signature = inspect.signature(build)

    @functools.wraps(build)
    @cache
    def kept(*args: object, **kwargs: object) -> bytes:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        what = hashlib.sha256(repr(bound.arguments).encode()).hexdigest()[:16]
        stem = f"{build.__name__}-{what}"
        folder = _cache_folder()
        path = folder / f"{stem}-{hashlib.sha256(_makers()).hexdigest()[:16]}"
        try:
            return path.read_bytes()
        except OSError:
            pass
        content = build(*args, **kwargs)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.glob(f"{stem}-*"):  # the same file, made by an older version
                if old.name != path.name and not old.name.endswith(".partial"):
                    old.unlink(missing_ok=True)
            partial.write_bytes(content)
            os.replace(partial, path)
        except OSError:
            partial.unlink(missing_ok=True)
        return content

    return kept


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _number(number: int) -> str:
    """«3.7»: numbers a roadmap parser reads as items (1.1 … 99.99)."""
    return f"{1 + (number - 1) // 10}.{1 + (number - 1) % 10}"


def _row(rng: random.Random, number: int, words: int) -> tuple[str, ...]:
    return (_number(number), _text(rng, words),
            f"до {1 + number % 28:02d}.{1 + number % 9:02d}.2023",
            "Иванова И.И., куратор", _text(rng, max(1, words // 4)))


@cache
def _docx_template() -> dict[str, bytes]:
    import docx

    out = io.BytesIO()
    docx.Document().save(out)
    with zipfile.ZipFile(out) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _docx(body: bytes, level: int = 6) -> bytes:
    parts = dict(_docx_template())
    document = parts["word/document.xml"]
    start = document.index(b"<w:body>") + len(b"<w:body>")
    end = document.index(b"<w:sectPr")
    parts["word/document.xml"] = document[:start] + body + document[end:]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _cell(text: str) -> bytes:
    return (f"<w:tc><w:p><w:r><w:t xml:space=\"preserve\">{escape(text)}</w:t></w:r></w:p>"
            "</w:tc>").encode()


def docx_table(rows: int, words: int, seed: int = 1) -> bytes:
    """A Word document with one table: the header and `rows` items of ~`words` words."""
    rng = random.Random(seed)
    body = [b"<w:tbl>", b"<w:tr>" + b"".join(_cell(h) for h in HEADER) + b"</w:tr>"]
    for number in range(1, rows + 1):
        body.append(b"<w:tr>" + b"".join(_cell(c) for c in _row(rng, number, words))
                    + b"</w:tr>")
    body.append(b"</w:tbl>")
    return _docx(b"".join(body))


def xlsx_table(rows: int, words: int, seed: int = 1) -> bytes:
    """An Excel workbook with one sheet: the header and `rows` items of ~`words` words."""
    import openpyxl

    rng = random.Random(seed)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(HEADER))
    for number in range(1, rows + 1):
        sheet.append(list(_row(rng, number, words)))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def unpacked(content: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return sum(member.file_size for member in archive.infolist())


@_kept
def worst_permitted(kind: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The biggest file of `kind` (docx, xlsx) within every limit: the most rows, texts long
    enough to fill 95 % of the unpacked size."""
    build = docx_table if kind == "docx" else xlsx_table
    rows = limits.max_rows - 2  # the header row too, and a margin of one
    words = 10
    target = 0.95 * limits.max_unpacked_bytes
    for _ in range(4):
        content = build(rows, words)
        size = unpacked(content)
        if 0.9 * target <= size <= target:
            break
        words = max(1, int(words * target / size))
    return content


@_kept
def biggest_accepted(kind: str, limits: Limits = DEFAULT_LIMITS, items: int = 300) -> bytes:
    """A roadmap the bot takes whole: `items` items (the most a draft holds) whose texts come
    to 90 % of the text the reader may hand back."""
    build = docx_table if kind == "docx" else xlsx_table
    # per item: the title and the result (a quarter of it) in words of ~10 characters
    words = int(0.9 * limits.max_text_chars / items / 10 / 1.25)
    return build(items, words)


@_kept
def million_paragraphs_docx() -> bytes:
    """Issue #16: ~10 KB that unpack to a million empty paragraphs."""
    return _docx(b"<w:p/>" * 1_000_000, level=9)


@_kept
def rows_xlsx(rows: int = 90_000) -> bytes:
    """Issue #16: a 1.7 MB workbook of 90,000 short rows."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(HEADER))
    for number in range(1, rows + 1):
        sheet.append([number, f"Пункт {number}", "01.02.2023", "Иванов"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
