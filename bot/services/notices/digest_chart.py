"""The digest's chart: meetings per week (bars) and the average feedback score (line) over the
programme so far, as a PNG. Plain series in, bytes out; no database, no Telegram."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from io import BytesIO
from typing import Any

Point = tuple[date, int, float | None]


def render_chart(series: Sequence[Point], *, meetings_label: str, score_label: str) -> bytes:
    """A PNG sized for a phone screen; `series` is (week start, meetings, average score)."""
    if not series:
        raise ValueError("no data to draw")
    from matplotlib.figure import Figure  # heavy: imported when a chart is drawn

    figure = Figure(figsize=(6, 3.4), dpi=120)
    axes = figure.subplots()
    labels = [week.strftime("%d.%m") for week, _, _ in series]
    axes.bar(labels, [meetings for _, meetings, _ in series], color="#5B9BD5",
             label=meetings_label)
    axes.set_ylabel(meetings_label)
    axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    scores = [(label, score) for label, (_, _, score) in zip(labels, series, strict=True)
              if score is not None]
    if scores:
        right = axes.twinx()
        right.plot([x for x, _ in scores], [y for _, y in scores], color="#ED7D31", marker="o",
                   label=score_label)
        right.set_ylim(0, 10.5)
        right.set_ylabel(score_label)
    figure.tight_layout()
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def series_from_args(args: Mapping[str, Any]) -> list[Point]:
    return [(date.fromisoformat(week), int(meetings), None if score is None else float(score))
            for week, meetings, score in args.get("series") or []]
