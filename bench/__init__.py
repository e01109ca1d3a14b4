"""Benchmarks: python -m bench.<name>.

`bot` is imported first, as every entry point does (bot/__init__.py): aiogram, when a benchmark
imports it (bench.updates, and the benchmarks built on it), is then imported with its types'
builds deferred, as in the bot, instead of building all ~400 of them (~2.5 s of CPU)."""

import bot  # noqa: F401  (before aiogram: bot/telegram/tuning.py, lazy_types)
