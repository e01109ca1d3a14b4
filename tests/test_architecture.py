"""The layers of docs/architecture.md hold: import-linter's contracts (pyproject.toml) pass, no
handler talks to the database itself, and mypy finds no errors (strict for bot/services and
models)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ORM_METHODS = {"get", "execute", "scalar", "scalars", "stream", "add", "add_all", "delete",
               "merge", "flush", "refresh", "commit", "rollback", "begin", "begin_nested"}


def test_import_contracts_hold():
    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if linter is None:
        pytest.fail("lint-imports is missing: install the dev extras (scripts/setup-env dev)")
    done = subprocess.run([linter, "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "broken" not in done.stdout.lower().replace("0 broken", "")


def test_types_check():
    mypy = shutil.which("mypy", path=str(Path(sys.executable).parent))
    if mypy is None:
        pytest.fail("mypy is missing: install the dev extras (scripts/setup-env dev)")
    # The files and flags are those of pyproject.toml's [tool.mypy].
    done = subprocess.run([mypy], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]


@pytest.mark.parametrize(("module", "strict"), [
    ("bot.services.people.users", True), ("models.pair", True),
    ("bot.cli.demo", False), ("handlers.curator.router", False), ("scheduler.registry", False),
])
def test_strict_for_services_and_models_only(module, strict):
    """The configuration means what docs/architecture.md says (`strict = true` in an override
    would have turned the strict flags on everywhere)."""
    from mypy.config_parser import parse_config_file
    from mypy.options import Options

    options = Options()
    parse_config_file(options, lambda: pytest.fail("strict flags set for every module"),
                      str(ROOT / "pyproject.toml"))
    flags = options.clone_for_module(module)
    assert flags.check_untyped_defs
    assert (flags.disallow_untyped_defs, flags.disallow_any_generics, flags.warn_return_any,
            flags.disallow_untyped_calls, flags.implicit_reexport) == (
        strict, strict, strict, strict, not strict)


def orm_calls(source: str) -> list[str]:
    """Calls like `session.get(...)` / `await session.execute(...)` on the update's session."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ORM_METHODS and isinstance(node.func.value, ast.Name)
                and node.func.value.id in {"session", "db"}):
            found.append(f"line {node.lineno}: {node.func.value.id}.{node.func.attr}()")
    return found


def test_handlers_make_no_orm_calls():
    offenders = {str(path.relative_to(ROOT)): calls
                 for path in sorted((ROOT / "handlers").rglob("*.py"))
                 if (calls := orm_calls(path.read_text(encoding="utf-8")))}
    assert offenders == {}


def test_the_orm_check_sees_a_query():
    assert orm_calls("async def f(session):\n    await session.get(User, 1)\n") == [
        "line 2: session.get()"]
