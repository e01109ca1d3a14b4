"""The bot's side of the Bot API: reaching Telegram at start-up and the tuning of aiogram
(bot/telegram/tuning.py, the one module that touches aiogram's internals)."""
