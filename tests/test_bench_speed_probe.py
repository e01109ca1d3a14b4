"""bench/_speed_probe.py and bench.updates' figures at the usual speed: a phase measured while
the machine ran slow is scaled back by how much slower the probe's fixed work ran then."""

from __future__ import annotations

import asyncio
import time

from bench._speed_probe import SpeedProbe
from bench.updates import cpu_table


async def test_the_probe_reports_its_work_while_it_runs():
    started = time.monotonic()
    async with SpeedProbe() as probe:
        await asyncio.sleep(1.0)
    assert len(probe.samples) >= 3
    whole = probe.median_ms()
    assert whole is not None and 0.1 < whole < 100
    assert probe.median_ms(started - 10, started - 5) is None  # before it started
    assert probe.samples[-1][0] > started


def _run(bot: str, cpu: float, probe: float, number: int) -> dict:
    return {"bot": bot, "database": "postgresql", "round": number,
            "throughput": {"cpu_ms_per_update": cpu, "net_cpu_ms_per_update": cpu,
                           "updates": 1000, "probe_ms": probe}}


def test_a_phase_on_a_slow_machine_is_scaled_to_the_usual_speed():
    # Round 1: mentorbot measured while the probe's work took 1.5 times as long as usual.
    runs = [_run("mentorbot", 3.0, 3.0, 1), _run("floor", 2.5, 2.0, 1),
            _run("mentorbot", 2.2, 2.0, 2), _run("floor", 2.6, 2.0, 2)]
    row = cpu_table(runs, probe_ms=2.0)["postgresql"]
    assert row["mentorbot_to_floor"] == round(2.6 / 2.55, 2)  # as measured: over the floor
    usual = row["at_usual_speed"]
    assert usual["rounds"] == {"mentorbot": [2.0, 2.2], "floor": [2.5, 2.6]}
    assert usual["mentorbot"] == 2.1 and usual["floor"] == 2.55
    assert usual["mentorbot_to_floor"] == round(2.1 / 2.55, 2)


def test_without_a_probe_there_is_no_figure_at_the_usual_speed():
    runs = [_run("mentorbot", 3.0, 3.0, 1), _run("floor", 2.5, 2.0, 1)]
    assert "at_usual_speed" not in cpu_table(runs)["postgresql"]
