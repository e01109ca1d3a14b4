"""bot/telegram/tuning.py relies on aiogram internals: an aiogram without one of them must fail
here, loudly and naming the piece, before it reaches a server (pyproject.toml pins aiogram to the
minor versions this test has passed on)."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

from aiogram import Dispatcher

from bot.runtime.polling import SafePollingDispatcher
from bot.telegram import tuning

ROOT = Path(__file__).resolve().parents[1]


def test_the_installed_aiogram_has_every_internal_the_tuning_relies_on():
    version = importlib.metadata.version("aiogram")
    missing = tuning.missing_internals()
    assert not missing, (
        f"aiogram {version} lacks what bot/telegram/tuning.py relies on:\n  "
        + "\n  ".join(missing)
        + "\nSwitch the piece off (MENTORBOT_TUNING_OFF=<piece>) or adapt tuning.py, and pin "
          "aiogram in pyproject.toml to the versions this test passes on.")


def test_the_installed_aiogram_is_within_the_pinned_minor_versions():
    from packaging.requirements import Requirement

    declared = importlib.metadata.requires("mentorbot") or []
    aiogram = next(Requirement(r) for r in declared if r.startswith("aiogram"))
    version = importlib.metadata.version("aiogram")
    assert version in aiogram.specifier, (version, str(aiogram.specifier))
    assert any(s.operator == "<" and s.version.count(".") == 1 for s in aiogram.specifier), (
        "pin aiogram below the next minor version (its internals change between minors)")


def test_polling_reads_our_listen_loop():
    """The hook that hands aiogram's polling our loop (the update journal) is in place."""
    assert SafePollingDispatcher._listen_updates is not Dispatcher._listen_updates
    assert "listen_updates" in SafePollingDispatcher.__dict__


def test_every_optional_piece_can_be_switched_off(tmp_path):
    """MENTORBOT_TUNING_OFF turns each piece off (to measure it again, or to run on an aiogram
    that changed): the bot still builds its dispatcher and renders a request."""
    code = """
import bot
from bot.telegram import tuning
from aiogram import Router, F
assert not tuning._lazy["applied"]
assert tuning.pin_response_types() == 0
router = Router()
router.message.register(lambda m: None, F.text)
assert tuning.inline_sync_filters(router) == 0
assert tuning.json_request_fields(None, None, None) is None
assert tuning._button_prototype() is None
assert tuning.callback_button("a", "b").model_fields_set == {"text", "callback_data"}
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
                                            "MENTORBOT_TUNING_OFF": ",".join(tuning.OPTIONAL)})
    assert done.stdout.strip() == "ok", done.stderr
