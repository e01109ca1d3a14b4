"""`mentorbot …` / `python -m bot …`: run, demo, migrate and the tools around them."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Coroutine, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from bot.config import (
    Settings,
    SettingsError,
    load_settings,
    settings_environment,
    unknown_settings,
    webhook_problem,
)
from bot.runtime.logging_setup import setup_logging

NO_TOKEN_MESSAGE = (
    "BOT_TOKEN is not set. Create a bot with @BotFather in Telegram (/newbot), put the token it "
    "gives into the BOT_TOKEN environment variable or a .env file, and run again.\n"
    "To see the bot working without a token or internet, run: {prog} demo"
)


def program_name() -> str:
    """How the person started us, for the commands we suggest: `scripts/run` sets it, since
    `mentorbot` is not on the PATH of someone who never activated the virtual environment."""
    return os.environ.get("MENTORBOT_PROG") or "mentorbot"


def _settings(**overrides: object) -> Settings:
    settings = load_settings(**overrides)
    secrets = (settings.bot_token.get_secret_value() if settings.bot_token else "",
               settings.webhook_secret.get_secret_value() if settings.webhook_secret else "")
    setup_logging(settings.log_level, secrets=secrets)
    for name, closest in unknown_settings(settings_environment()):
        # A misspelt setting would otherwise be ignored without a word.
        logging.getLogger("mentorbot.config").warning(
            "%s is not a mentorbot setting and is ignored; did you mean %s?", name, closest)
    return settings


def _database(settings: Settings) -> AbstractContextManager[None]:
    """Check the database can be written before anything starts (one line and exit 2 if not),
    and report SQLite refusing a write during start-up the same way."""
    from bot.db import ensure_sqlite_directory, unwritable_sqlite_as_setting_error

    ensure_sqlite_directory(settings.database_url)
    return unwritable_sqlite_as_setting_error(settings.database_url)


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(**({"bot_mode": "webhook"} if args.webhook else {}))
    if settings.bot_token is None:
        print(NO_TOKEN_MESSAGE.format(prog=program_name()), file=sys.stderr)
        return 2
    with _database(settings):
        return _run(settings)


def _run(settings: Settings) -> int:
    if settings.bot_mode == "webhook":
        problem = webhook_problem(settings)
        if problem:
            print(problem, file=sys.stderr)
            return 2
        from bot.runtime.webhook import run_webhook

        return _on_event_loop(run_webhook(settings), settings)
    from bot.runtime.app import run_polling

    return _on_event_loop(run_polling(settings), settings)


def _on_event_loop(main: Coroutine[Any, Any, None], settings: Settings) -> int:
    from bot.runtime import event_loop

    try:
        factory = event_loop.loop_factory(settings.event_loop)
    except event_loop.EventLoopUnavailable as exc:
        main.close()
        print(str(exc), file=sys.stderr)
        return 2
    logging.getLogger(__name__).debug("event loop: %s", event_loop.loop_name(factory))
    event_loop.run(main, factory)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = _settings()
    with _database(settings):
        from models.migrate import upgrade

        upgrade(settings.database_url)
    print("Database is up to date.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from bot.cli.backup import BackupError, backup

    settings = _settings()
    try:
        target = backup(settings.database_url, args.to)
    except BackupError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"Backup written: {target}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from bot.cli.backup import BackupError, restore

    settings = _settings()
    try:
        revision, kept = restore(settings.database_url, args.file)
    except BackupError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if kept:
        print(f"The previous database was kept as {kept}")
    print(f"Restored {args.file} (database version {revision}); start the bot again.")
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    import json

    from bot.cli.health import check

    healthy, report = check(load_settings())
    print(json.dumps(report, ensure_ascii=False))
    return 0 if healthy else 1


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.cli.demo import run_demo
    from bot.runtime import event_loop

    setup_logging("WARNING")
    # The loop `mentorbot run` would take (uvloop where installed), so the demo shows the same.
    return event_loop.run(run_demo(quiet_logs=not args.verbose, prog=program_name()))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=program_name(), description="Mentorship programme bot")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the bot (long polling, or a webhook server)")
    run.add_argument("--webhook", action="store_true",
                     help="serve a webhook (same as BOT_MODE=webhook)")
    run.set_defaults(func=cmd_run)
    commands.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    backup = commands.add_parser("backup", help="copy the SQLite database to a timestamped file")
    backup.add_argument("--to", type=Path, default=None,
                        help="directory for the copy (default: backups/ beside the database)")
    backup.set_defaults(func=cmd_backup)
    restore = commands.add_parser("restore", help="replace the SQLite database by a backup "
                                  "(the bot must be stopped)")
    restore.add_argument("file", type=Path)
    restore.set_defaults(func=cmd_restore)
    commands.add_parser("health", help="exit 0 when the bot's database (and Redis, or in webhook "
                        "mode the running bot) answers: a container health check"
                        ).set_defaults(func=cmd_health)
    demo = commands.add_parser("demo", help="see the bot work against a local Telegram emulator")
    demo.add_argument("--verbose", action="store_true", help="show the bot's log")
    demo.set_defaults(func=cmd_demo)
    from bot.cli import roadmap as cli_roadmap

    cli_roadmap.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SettingsError as exc:  # bot.telegram.startup's TokenRefused too
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
