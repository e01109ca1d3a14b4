"""mentorbot: the bot package. Importing it first keeps aiogram's types lazily built
(bot/lazy_aiogram.py): every entry point (python -m bot, the tests, the benchmarks) imports
`bot` before aiogram."""

from bot.lazy_aiogram import import_aiogram_lazily

import_aiogram_lazily()
