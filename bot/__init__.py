"""mentorbot: the bot package. Importing it first keeps aiogram's types lazily built
(bot/telegram/tuning.py, lazy_types): every entry point (python -m bot, the tests, the benchmarks)
imports `bot` before aiogram. aiogram itself is imported when first needed, not here: a process
that only reports a setting's error, or a benchmark without a bot, does without it."""

from bot.telegram.tuning import defer_aiogram_lazily

defer_aiogram_lazily()
