"""aiogram's Telegram types are built on first use (bot/telegram/tuning.py, lazy_types): every type and every
method still builds, from its own module alone, and the bot's process is much smaller for it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BUILD_ALL = """
import json, sys
import bot
assert "aiogram" not in sys.modules  # imported when first needed, through tuning's hook
import aiogram.methods as methods
import aiogram.types as types
from pydantic import BaseModel
deferred = [name for name in types.__all__ if isinstance(getattr(types, name), type)
            and issubclass(getattr(types, name), BaseModel)
            and not getattr(types, name).__pydantic_complete__]
failed = []
for package in (types, methods):
    for name in package.__all__:
        cls = getattr(package, name)
        if isinstance(cls, type) and issubclass(cls, BaseModel):
            try:
                cls.model_rebuild(_parent_namespace_depth=0)  # nothing from this frame
                assert cls.__pydantic_complete__
            except Exception as exc:
                failed.append(f"{name}: {exc}")
print(json.dumps({"deferred": len(deferred), "failed": failed}))
"""

RSS = """
import sys
{first}
import bot.runtime.factory
for line in open("/proc/self/status"):
    if line.startswith("VmRSS"):
        print(int(line.split()[1]) // 1024)
"""


def run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                          capture_output=True, text=True, timeout=300).stdout.strip()


def test_every_type_and_method_builds_lazily_from_its_own_module():
    result = json.loads(run(BUILD_ALL))
    assert result["deferred"] > 300  # the types were really left unbuilt at import
    assert result["failed"] == []


def test_the_bot_process_is_smaller_than_with_every_type_built():
    lazy = int(run(RSS.format(first="")))
    eager = int(run(RSS.format(first="import aiogram  # before bot: built as aiogram ships it")))
    assert eager - lazy >= 50, (lazy, eager)



READY = """
import bot.runtime.factory
from aiogram import methods, types
from bot.runtime.heap import prepare_for_updates

def built():
    return all(model.__pydantic_complete__ for model in (
        types.Update, methods.SendMessage, methods.EditMessageText, methods.AnswerCallbackQuery))

print(built())
prepare_for_updates()
print(built())
import gc
print(gc.get_threshold()[0])
"""


def test_the_first_update_after_start_finds_its_types_built():
    # Built lazily, the update and the reply requests took the first person ~200 ms.
    # One process: imported (lazy: nothing built), then prepared as the bot's start does;
    # the young generation is collected after 50,000 new objects, not Python's 700 (issue #21).
    assert run(READY).split() == ["False", "True", "50000"]


def test_the_young_generation_threshold_can_be_switched_off():
    code = "from bot.runtime.heap import prepare_for_updates\nimport gc\n" \
           "prepare_for_updates()\nprint(gc.get_threshold()[0])"
    env = {**os.environ, "MENTORBOT_TUNING_OFF": "young_gc"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env=env,
                         capture_output=True, text=True, timeout=300).stdout.strip()
    assert out == "700"  # Python's default, as before issue #21
