"""Every benchmark in one command: `python -m bench [--quick] [--only NAME ...]`.

Runs each module of this package (bench.delivery, bench.matching, bench.updates and whatever
is added later) as `python -m bench.<name> [--quick]` in its own process, so one benchmark's
memory does not colour another's, and prints a summary table. Exits non-zero when any
benchmark failed to run (a missed target is reported, and fails too unless --quick)."""

from __future__ import annotations

import argparse
import json
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST = ("delivery", "matching", "updates")


def discover() -> list[str]:
    names = [m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])
             if not m.name.startswith("_") and not m.ispkg]
    return sorted(names, key=lambda n: (FIRST.index(n) if n in FIRST else len(FIRST), n))


def run_one(name: str, quick: bool, timeout: float) -> dict:
    started = time.monotonic()
    command = [sys.executable, "-m", f"bench.{name}", *(["--quick"] if quick else [])]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"name": name, "status": "timeout", "seconds": round(time.monotonic() - started),
                "summary": f"no result within {timeout:g} s"}
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    result = None
    for line in reversed(lines):
        if line.startswith("{"):
            try:
                result = json.loads(line)
                break
            except ValueError:
                continue
    text = [line for line in lines if not line.startswith("{")]
    if done.returncode == 0:
        status = "ok"
    elif result is not None:
        status = "missed"
    else:
        status = "error"
        text = text or done.stderr.strip().splitlines()[-3:]
    return {"name": name, "status": status, "seconds": round(time.monotonic() - started, 1),
            "summary": " | ".join(s.strip() for s in text[:8]) or "(no output)",
            "result": result}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the small cases (for CI)")
    parser.add_argument("--only", nargs="*", help="run just these benchmarks")
    parser.add_argument("--timeout", type=float, default=None,
                        help="per benchmark, seconds (default 120 quick, 3600 full)")
    args = parser.parse_args(argv)
    names = discover()
    if args.only:
        names = [n for n in names if n in args.only]
    timeout = args.timeout or (120.0 if args.quick else 3600.0)
    rows = []
    for name in names:
        print(f"== bench.{name}{' --quick' if args.quick else ''}", flush=True)
        row = run_one(name, args.quick, timeout)
        print(f"   {row['status']} in {row['seconds']} s: {row['summary']}", flush=True)
        rows.append(row)
    width = max((len(r["name"]) for r in rows), default=4)
    print("\nSummary" + (" (--quick)" if args.quick else ""))
    print(f"{'benchmark':<{width + 2}}{'status':<9}{'time':>8}")
    for row in rows:
        print(f"{row['name']:<{width + 2}}{row['status']:<9}{row['seconds']:>7}s")
    failed = [r for r in rows if r["status"] in ("error", "timeout")
              or (r["status"] == "missed" and not args.quick)]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
