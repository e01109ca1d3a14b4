"""The command menu Telegram shows, per role: everyone sees the basic commands; a curator's and
an owner's private chats get theirs on top (BotCommandScopeChat), in both languages."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from bot.config import SUPPORTED_LOCALES
from bot.i18n import Translator

logger = logging.getLogger("mentorbot.commands")

EVERYONE = ("start", "meeting", "meet", "write", "plan", "help_me", "materials", "roadmap", "help",
            "mydata", "forget", "language", "timezone", "cancel")
CURATOR = ("start", "status", "dashboard", "programmes", "participants", "match", "pairs", "roadmap", "report",
           "monitoring", "practices", "announce", "newprogramme", "help", "mydata", "language", "timezone", "cancel")
OWNER = ("start", "neworg", "orgs", "newregion", "regions", *CURATOR[1:])
COORDINATOR = ("start", "region", "help", "mydata", "language", "timezone", "cancel")


def _menu(translator: Translator, names: tuple[str, ...], locale: str) -> list[BotCommand]:
    return [BotCommand(command=name, description=translator.get(f"commands.{name}", locale))
            for name in names]


async def publish_default(bot: Bot, translator: Translator, default_locale: str) -> None:
    """The menu for everyone, in each language and for clients in any other language."""
    for locale in (None, *SUPPORTED_LOCALES):
        await bot.set_my_commands(_menu(translator, EVERYONE, locale or default_locale),
                                  scope=BotCommandScopeDefault(), language_code=locale)


async def publish_for_chat(bot: Bot, translator: Translator, chat_id: int,
                           names: tuple[str, ...], default_locale: str) -> None:
    """A role's menu in one private chat. A chat Telegram does not know yet (an owner who never
    wrote to the bot) is skipped; they get it when they become known."""
    try:
        for locale in (None, *SUPPORTED_LOCALES):
            await bot.set_my_commands(_menu(translator, names, locale or default_locale),
                                      scope=BotCommandScopeChat(chat_id=chat_id),
                                      language_code=locale)
    except TelegramAPIError as exc:
        logger.info("command menu for chat %s not set: %s", chat_id, type(exc).__name__)
