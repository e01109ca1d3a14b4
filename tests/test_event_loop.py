"""The event loop the bot runs on: uvloop where installed (bot/runtime/event_loop.py)."""

from __future__ import annotations

import asyncio
import sys

import pytest

from bot.cli.main import main
from bot.runtime import event_loop
from tests.conftest import TEST_EVENT_LOOP

uvloop = pytest.importorskip("uvloop", reason="uvloop is not installed (Windows has none)")


def test_auto_takes_uvloop_where_installed():
    loop = event_loop.loop_factory("auto")()
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()


def test_asyncio_takes_the_standard_loop():
    loop = event_loop.loop_factory("asyncio")()
    try:
        assert not isinstance(loop, uvloop.Loop)
        assert isinstance(loop, asyncio.BaseEventLoop)
    finally:
        loop.close()


@pytest.mark.skipif(TEST_EVENT_LOOP != "auto", reason="TEST_EVENT_LOOP chose the loop")
async def test_the_tests_run_on_the_loop_the_bot_takes():
    assert isinstance(asyncio.get_running_loop(), uvloop.Loop)


def test_run_returns_the_result_on_the_chosen_loop():
    async def which() -> str:
        return type(asyncio.get_running_loop()).__module__

    assert event_loop.run(which(), event_loop.loop_factory("uvloop")).startswith("uvloop")
    assert event_loop.run(which(), event_loop.loop_factory("asyncio")) == "asyncio.unix_events"


def test_uvloop_asked_for_but_missing_is_one_line_and_exit_2(monkeypatch, tmp_path, capsys):
    """EVENT_LOOP=uvloop where it cannot be imported (Windows): the person learns why and what
    to set, no traceback, nothing started."""
    monkeypatch.setitem(sys.modules, "uvloop", None)  # import fails as if not installed
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_TOKEN", "123456:ABC")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    monkeypatch.setenv("EVENT_LOOP", "uvloop")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "EVENT_LOOP=uvloop, but uvloop is not installed" in err
    assert "EVENT_LOOP=auto" in err and "Traceback" not in err
    assert not (tmp_path / "bot.db").exists()


def test_auto_falls_back_to_asyncio_without_uvloop(monkeypatch):
    monkeypatch.setitem(sys.modules, "uvloop", None)
    assert event_loop.loop_factory("auto") is asyncio.new_event_loop


def test_an_unknown_choice_is_a_settings_error(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_TOKEN", "123456:ABC")
    monkeypatch.setenv("EVENT_LOOP", "trio")
    assert main(["run"]) != 0
    err = capsys.readouterr().err
    assert "EVENT_LOOP" in err.upper() and "Traceback" not in err
