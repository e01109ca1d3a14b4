"""mentorbot: the bot package. Importing it first keeps aiogram's types lazily built
(bot/telegram/tuning.py, lazy_types): every entry point (python -m bot, the tests, the benchmarks) imports
`bot` before aiogram."""

from bot.telegram.tuning import import_aiogram_lazily

import_aiogram_lazily()
