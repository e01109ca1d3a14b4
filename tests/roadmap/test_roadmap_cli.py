"""`roadmap preview` command."""

from __future__ import annotations

import argparse
import json

import pytest

from bot.cli import roadmap as cli_roadmap
from bot.cli.roadmap import main
from tests.roadmap.conftest import roadmap_path

KEYS = ["number", "section", "title", "content", "deadline_text", "start", "end", "recurrence",
        "responsible", "result", "warnings"]


@pytest.mark.parametrize(("key", "period", "count", "first"), [
    ("school", "2024-08-01:2025-06-30", 11, ("1.1", "2024-08-01", "2024-09-30", "Август-сентябрь 2024")),
    ("001", "2022-08-01:2023-06-30", 16, ("1.1", "2022-08-01", "2022-09-30", "Август-сентябрь 2022")),
])
def test_json_output_is_one_array_with_exact_keys(capsys, key, period, count, first):
    code = main(["roadmap", "preview", str(roadmap_path(key)), "--period", period, "--json"])
    assert code == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert isinstance(data, list) and len(data) == count
    assert all(list(item) == KEYS for item in data)
    assert "Кураторы" in out  # ensure_ascii=False: Cyrillic is printed as is
    item = data[0]
    assert (item["number"], item["start"], item["end"], item["deadline_text"]) == first
    assert isinstance(item["responsible"], list) and isinstance(item["warnings"], list)


@pytest.mark.parametrize(("key", "dated", "undated"), [
    ("village", ("5.1.1", "2023-10-01..2023-12-29"), "4.2"),
    ("002", ("6.1.1", "2020-10-01..2020-12-31"), "5.5"),
])
def test_text_output_lists_items_undated_and_warnings(capsys, key, dated, undated):
    assert main(["roadmap", "preview", str(roadmap_path(key))]) == 0
    out = capsys.readouterr().out
    assert dated[0] in out and dated[1] in out
    assert "Undated items" in out and "по отдельному графику" in out
    assert "Warnings:" in out and f"{undated}: no deadline given" in out


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["roadmap", "preview", str(tmp_path / "nope.docx")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope.docx" in err


@pytest.mark.parametrize(("name", "content"), [("bad.docx", b"PK\x03\x04 broken"),
                                              ("bad.xlsx", b"not excel"),
                                              ("old.doc", b"\xd0\xcf\x11\xe0"),
                                              ("letter.txt", "Просто письмо".encode())])
def test_unreadable_file_exits_2_with_one_line(tmp_path, capsys, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["roadmap", "preview", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("error:")


@pytest.mark.parametrize("key", ["college", "000"])
def test_bad_period_exits_2(key):
    path = str(roadmap_path(key))
    assert main(["roadmap", "preview", path, "--period", "2021"]) == 2
    assert main(["roadmap", "preview", path, "--period", "2021-12-31:2021-01-01"]) == 2


@pytest.mark.parametrize(("key", "count"), [("college", 11), ("000", 22)])
def test_register_plugs_into_a_foreign_parser(capsys, key, count):
    parser = argparse.ArgumentParser(prog="mentorbot")
    subparsers = parser.add_subparsers(dest="command")
    cli_roadmap.register(subparsers)
    args = parser.parse_args(["roadmap", "preview", str(roadmap_path(key)), "--json"])
    assert args.func(args) == 0
    assert len(json.loads(capsys.readouterr().out)) == count
