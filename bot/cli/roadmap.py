"""`roadmap preview FILE`: show how a roadmap document would be imported.

The main CLI calls ``register(subparsers)`` and dispatches with ``args.func(args)``.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from bot.services.roadmap import RoadmapFormatError, RoadmapItem
from bot.services.roadmap.isolation import parse_isolated_sync

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def parse_period(value: str) -> tuple[date, date]:
    """«YYYY-MM-DD:YYYY-MM-DD» → (start, end)."""
    try:
        left, right = value.split(":")
        start, end = date.fromisoformat(left.strip()), date.fromisoformat(right.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"period must look like 2022-09-01:2023-05-31, got {value!r}"
        ) from exc
    if start > end:
        raise argparse.ArgumentTypeError("period ends before it starts")
    return start, end


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    roadmap = subparsers.add_parser("roadmap", help="roadmap (дорожная карта) import tools")
    actions = roadmap.add_subparsers(dest="roadmap_command", required=True)
    preview = actions.add_parser("preview", help="parse a roadmap file and show the items")
    preview.add_argument("file", type=Path, help=".txt/.tsv/.csv/.docx/.xlsx roadmap")
    preview.add_argument("--period", type=parse_period, default=None,
                         help="programme period YYYY-MM-DD:YYYY-MM-DD (years for «Сентябрь»)")
    preview.add_argument("--json", action="store_true", help="print one JSON array of items")
    preview.set_defaults(func=run_preview)
    return roadmap


def run_preview(args: argparse.Namespace, out: TextIO | None = None,
                err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    path: Path = args.file
    try:
        content = path.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror or exc}", file=err)
        return EXIT_BAD_INPUT
    try:
        # A worker process with the bot's limits on size, rows, time and memory: a hostile
        # file cannot take the machine it is checked on.
        parsed = parse_isolated_sync(content, path.name, args.period)
    except (RoadmapFormatError, ValueError) as exc:
        print(f"error: {path}: {exc}", file=err)
        return EXIT_BAD_INPUT
    if not parsed.items:
        print(f"error: {path}: no roadmap table found", file=err)
        return EXIT_BAD_INPUT
    if args.json:
        json.dump([i.to_json() for i in parsed.items], out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        _print_table(parsed.items, parsed.warnings, out)
    return EXIT_OK


def _dates(item: RoadmapItem) -> str:
    d = item.deadline
    if d.start is None or d.end is None:
        text = "—"
    elif d.start == d.end:
        text = ("до " if d.kind == "by" else "") + d.start.isoformat()
    else:
        text = f"{d.start.isoformat()}..{d.end.isoformat()}"
    if d.recurrence:
        text += f" ({d.recurrence})"
    return text


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_table(items: list[RoadmapItem], warnings: list[str], out: TextIO) -> None:
    rows = [(i.number or "", _dates(i), _cut(", ".join(i.responsible), 30), _cut(i.title, 60))
            for i in items]
    widths = [max(len(r[c]) for r in [("№", "срок", "ответственные", ""), *rows])
              for c in range(3)]
    print(f"{'№':<{widths[0]}}  {'срок':<{widths[1]}}  {'ответственные':<{widths[2]}}  "
          "мероприятие", file=out)
    for r in rows:
        print(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}", file=out)
    print(f"\n{len(items)} items", file=out)
    undated = [i for i in items if not i.is_dated]
    if undated:
        print(f"\nUndated items ({len(undated)}):", file=out)
        for i in undated:
            print(f"  {i.number or '-'}  {_cut(i.title, 60)}  «{i.deadline.text}»", file=out)
    flagged = [(i.number or "-", w) for i in items for w in i.warnings]
    if warnings or flagged:
        print("\nWarnings:", file=out)
        for w in warnings:
            print(f"  {w}", file=out)
        for number, w in flagged:
            print(f"  {number}: {w}", file=out)


def main(argv: list[str] | None = None) -> int:
    """Standalone entry point (and test hook): builds a throwaway parser around register()."""
    parser = argparse.ArgumentParser(prog="mentorbot")
    register(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse reports usage errors itself
        return int(exc.code) if isinstance(exc.code, int) else EXIT_BAD_INPUT
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
