"""`roadmap preview` command."""

from __future__ import annotations

import argparse
import json

import pytest

from bot import cli_roadmap
from bot.cli_roadmap import main

KEYS = ["number", "section", "title", "content", "deadline_text", "start", "end", "recurrence",
        "responsible", "result", "warnings"]


def test_json_output_is_one_array_with_exact_keys(seed, seeds_dir, capsys):
    name, _, _ = seed("001")
    code = main(["roadmap", "preview", str(seeds_dir / name), "--period",
                 "2022-08-01:2023-06-30", "--json"])
    assert code == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert isinstance(data, list) and len(data) == 16
    assert all(list(item) == KEYS for item in data)
    assert "Кураторы" in out  # ensure_ascii=False: Cyrillic is printed as is
    first = data[0]
    assert (first["number"], first["start"], first["end"]) == ("1.1", "2022-08-01", "2022-09-30")
    assert first["deadline_text"] == "Август-сентябрь 2022"
    assert isinstance(first["responsible"], list) and isinstance(first["warnings"], list)


def test_text_output_lists_items_undated_and_warnings(seed, seeds_dir, capsys):
    name, _, _ = seed("002")
    assert main(["roadmap", "preview", str(seeds_dir / name)]) == 0
    out = capsys.readouterr().out
    assert "6.1.1" in out and "2020-10-01..2020-12-31" in out
    assert "Undated items" in out and "по отдельному графику" in out
    assert "Warnings:" in out and "5.5: no deadline given" in out


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


def test_bad_period_exits_2(seed, seeds_dir):
    name, _, _ = seed("000")
    assert main(["roadmap", "preview", str(seeds_dir / name), "--period", "2021"]) == 2
    assert main(["roadmap", "preview", str(seeds_dir / name), "--period",
                 "2021-12-31:2021-01-01"]) == 2


def test_register_plugs_into_a_foreign_parser(seed, seeds_dir, capsys):
    parser = argparse.ArgumentParser(prog="mentorbot")
    subparsers = parser.add_subparsers(dest="command")
    cli_roadmap.register(subparsers)
    name, _, _ = seed("000")
    args = parser.parse_args(["roadmap", "preview", str(seeds_dir / name), "--json"])
    assert args.func(args) == 0
    assert len(json.loads(capsys.readouterr().out)) == 22
