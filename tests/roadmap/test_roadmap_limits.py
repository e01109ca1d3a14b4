"""Roadmap files too big to be a roadmap are refused before a reader opens them, and every file
is read in a worker process with limits on time and memory (issue #16, item 5)."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from bench._roadmap_files import (
    biggest_accepted,
    docx_table,
    million_paragraphs_docx,
    rows_xlsx,
    worst_permitted,
    xlsx_table,
)
from bot.services.roadmap import parse_roadmap
from bot.services.roadmap.isolation import parse_isolated, parse_isolated_sync
from bot.services.roadmap.limits import MB, Limits, RoadmapLimitError, check
from tests.roadmap.conftest import ALL
from tests.roadmap.test_roadmap_formats import _seed_as_docx, _seed_as_xlsx

ROOT = Path(__file__).resolve().parents[2]
# The tests that measure time under load (latency, a reader's time limit, Telegram's rate limits
# as the emulator counts them) are in xdist group "timing": scripts/test runs them alone after
# the rest, one after another. The others here run in the parallel phase.
timing = pytest.mark.xdist_group("timing")


def kind_of(content: bytes, **limits: int) -> str | None:
    try:
        check(content, Limits(**limits))
    except RoadmapLimitError as exc:
        return exc.kind
    return None


@pytest.mark.parametrize("key", ALL)
def test_real_roadmaps_in_every_format_are_within_the_limits(seed, key):
    _, content, _ = seed(key)
    text = content.decode("utf-8")
    for data in (content, _seed_as_docx(text), _seed_as_xlsx(text)):
        check(data)


@timing
def test_the_heaviest_permitted_files_are_read_and_the_biggest_roadmaps_taken_whole():
    for kind in ("docx", "xlsx"):
        content = worst_permitted(kind)
        check(content)  # opened and read in full by the reader...
        with pytest.raises(RoadmapLimitError) as text:
            parse_isolated_sync(content, f"roadmap.{kind}")
        assert text.value.kind == "text"  # ...but far more item text than a roadmap has
        biggest = parse_isolated_sync(biggest_accepted(kind), f"roadmap.{kind}")
        assert len(biggest.items) == 300


@timing
def test_the_files_of_the_issue_are_refused_before_anything_is_parsed():
    started = time.perf_counter()
    with pytest.raises(RoadmapLimitError) as bomb:
        parse_roadmap(million_paragraphs_docx(), "roadmap.docx")
    assert bomb.value.kind == "ratio"
    with pytest.raises(RoadmapLimitError) as rows:
        parse_roadmap(rows_xlsx(), "roadmap.xlsx")
    assert rows.value.kind == "unpacked"
    assert time.perf_counter() - started < 10  # building the files (if not kept) is most of it


def test_each_limit():
    assert kind_of(docx_table(60, 3), max_rows=50) == "rows"
    assert kind_of(xlsx_table(60, 3), max_rows=50) == "rows"
    assert kind_of(("1\tпункт\n" * 60).encode(), max_rows=50) == "rows"
    assert kind_of(("1;пункт\r" * 60).encode(), max_rows=50) == "rows"  # old Mac line ends
    assert kind_of(docx_table(30, 3), max_paragraphs=100) == "rows"
    assert kind_of(docx_table(30, 2000), max_unpacked_bytes=1 * MB) == "unpacked"
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for n in range(30):
            archive.writestr(f"part{n}.xml", b"<x/>")
    assert kind_of(many.getvalue(), max_members=20) == "archive"
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("word/document.xml", b" " * (5 * MB))
    assert kind_of(bomb.getvalue()) == "ratio"
    assert kind_of(docx_table(30, 3)) is None


@timing
def test_a_worker_that_takes_too_long_is_killed():
    content = worst_permitted("docx")
    started = time.perf_counter()
    with pytest.raises(RoadmapLimitError) as slow:
        parse_isolated_sync(content, "roadmap.docx", limits=Limits(seconds=1))
    assert slow.value.kind == "time" and slow.value.params == {"seconds": 1}
    assert time.perf_counter() - started < 5
    assert not [p for p in _readers() if p.is_alive()]


@timing
def test_a_worker_over_its_memory_is_stopped():
    content = worst_permitted("docx")  # needs ~60 MB more than the reader starts with
    with pytest.raises(RoadmapLimitError) as heavy:
        parse_isolated_sync(content, "roadmap.docx", limits=Limits(memory_bytes=24 * MB))
    assert heavy.value.kind == "memory" and heavy.value.params == {"mb": 24}
    # the next file is read normally
    assert parse_isolated_sync(docx_table(5, 3), "roadmap.docx").items


@timing
async def test_the_worker_reads_like_the_bot_did_and_the_loop_goes_on(seed):
    _, content, period = seed("school")
    document = _seed_as_docx(content.decode("utf-8"))
    ticks = 0

    async def tick():
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    started = time.perf_counter()
    try:
        with pytest.raises(RoadmapLimitError):  # read in full (seconds), then refused
            await parse_isolated(worst_permitted("docx"), "roadmap.docx")
    finally:
        ticker.cancel()
    # the event loop ran all along: a tick every 10 ms or so
    assert ticks > 0.5 * (time.perf_counter() - started) / 0.01
    mine = parse_roadmap(document, "roadmap.docx", period)
    theirs = await parse_isolated(document, "roadmap.docx", period)
    assert [i.to_json() for i in theirs.items] == [i.to_json() for i in mine.items]
    assert theirs.warnings == mine.warnings


def test_the_bots_process_never_imports_the_readers(tmp_path):
    document = tmp_path / "roadmap.docx"
    document.write_bytes(docx_table(5, 3))
    code = ("import sys, pathlib\n"
            "from bot.services.roadmap.isolation import parse_isolated_sync\n"
            f"content = pathlib.Path({str(document)!r}).read_bytes()\n"
            "assert parse_isolated_sync(content, 'r.docx').items\n"
            "assert not {'docx', 'openpyxl'} & set(sys.modules), 'a reader was imported'\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def _readers():
    from bot.services.roadmap import isolation

    return list(isolation._running)


@timing
def test_the_preview_command_refuses_a_bomb_with_one_line(tmp_path, capsys):
    from bot.cli.roadmap import main

    bomb = tmp_path / "roadmap.docx"
    bomb.write_bytes(million_paragraphs_docx())
    started = time.perf_counter()
    assert main(["roadmap", "preview", str(bomb)]) == 2
    assert time.perf_counter() - started < 10
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "100 times its size" in err[0] and str(bomb) in err[0]
