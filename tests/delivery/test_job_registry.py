"""Every periodic job is listed once in scheduler/registry.py, and nothing registers itself on
import: the jobs a process runs do not depend on which handlers were imported first."""

from __future__ import annotations

import ast
from pathlib import Path

import scheduler
from scheduler.jobs import PeriodicJob
from scheduler.registry import JOBS, default_registry

SCHEDULER_DIR = Path(scheduler.__file__).parent
EXPECTED = {"curator_digest", "announcement_summaries", "meetings_cadence",
            "lifecycle_surveys", "roadmap_reminders", "forget_processed_updates",
            "region_digest", "region_snapshots", "channel_retention"}


def test_every_job_is_listed_once() -> None:
    ids = [job.job_id for job in JOBS]
    assert len(ids) == len(set(ids))
    assert set(ids) == EXPECTED
    assert {job.job_id for job in default_registry().jobs()} == EXPECTED


def _async_job_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in tree.body if isinstance(node, ast.AsyncFunctionDef)
            and node.args.args and node.args.args[0].annotation is not None
            and ast.unparse(node.args.args[0].annotation) == "JobContext"}


def test_every_job_function_of_the_scheduler_is_in_the_registry() -> None:
    """A job written in scheduler/*.py but forgotten in the registry would never run."""
    written = set()
    for path in SCHEDULER_DIR.glob("*.py"):
        written |= {f"{path.stem}.{name}" for name in _async_job_functions(path)}
    listed = {f"{job.func.__module__.rsplit('.', 1)[-1]}.{job.func.__name__}" for job in JOBS}
    assert written == listed


def test_no_module_registers_a_job_when_imported() -> None:
    for path in SCHEDULER_DIR.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in tree.body:  # module-level statements only
            if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                    and "register" in ast.unparse(node.value.func)):
                raise AssertionError(f"{path.name}: registers at import time: "
                                     f"{ast.unparse(node)}")
    assert all(isinstance(job, PeriodicJob) for job in JOBS)
