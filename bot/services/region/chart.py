"""The regional digest's chart, as a PNG: the region's meetings per week (bars), and one dot
per organisation placing its meetings per week against the share of its pairs at risk. Plain
numbers in, bytes out; no names (a dot is not labelled), no database, no Telegram."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from io import BytesIO
from typing import Any


def render_chart(args: Mapping[str, Any], *, meetings_label: str, weeks_title: str,
                 orgs_title: str, share_label: str, per_week_label: str) -> bytes:
    from matplotlib.figure import Figure  # heavy: imported when a chart is drawn

    weeks = [date.fromisoformat(day).strftime("%d.%m") for day in args.get("weeks") or []]
    meetings = [int(n) for n in args.get("meetings") or []]
    points = [(float(x), float(y)) for x, y in args.get("points") or []]
    figure = Figure(figsize=(8, 3.6), dpi=110)
    left, right = figure.subplots(1, 2)
    left.bar(weeks, meetings, color="#5B9BD5")
    left.set_title(weeks_title, fontsize=10)
    left.set_ylabel(meetings_label)
    left.tick_params(axis="x", labelrotation=45, labelsize=8)
    right.scatter([x for x, _ in points], [y * 100 for _, y in points], color="#ED7D31",
                  alpha=0.7, s=18)
    right.set_title(orgs_title, fontsize=10)
    right.set_xlabel(per_week_label)
    right.set_ylabel(share_label)
    right.set_ylim(-2, 102)
    right.set_xlim(left=0)
    figure.tight_layout()
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
