"""A real aiogram Dispatcher polling the emulator end to end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Dispatcher, F, Router
from aiogram.exceptions import TelegramForbiddenError
from aiogram.types import (
    CallbackQuery,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from bot.emulator import BotAPIEmulator
from tests.e2e.helpers import until


def echo_router(events: list[str]) -> Router:
    router = Router()

    @router.message(F.text == "/menu")
    async def menu(message: Message) -> None:
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Да", callback_data="yes")]]
        )
        await message.answer("Выбор?", reply_markup=keyboard)

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text)

    @router.edited_message()
    async def edited(message: Message) -> None:
        await message.answer(f"edited: {message.text}")

    @router.callback_query(F.data == "yes")
    async def yes(query: CallbackQuery) -> None:
        await query.answer("Принято", show_alert=True)
        await query.message.edit_text("Вы выбрали: да")

    @router.my_chat_member()
    async def membership(update: ChatMemberUpdated) -> None:
        events.append(f"{update.old_chat_member.status}->{update.new_chat_member.status}")

    return router


@pytest.fixture
async def polling(emu: BotAPIEmulator, bot) -> AsyncIterator[list[str]]:
    events: list[str] = []
    dp = Dispatcher()
    dp.include_router(echo_router(events))
    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1))
    yield events
    await dp.stop_polling()
    await asyncio.wait_for(task, 5)


async def test_echo(emu, polling):
    user = emu.user(1001, first_name="Анна")
    await user.send("hi")
    (reply,) = await user.wait_messages()
    assert reply.text == "hi" and reply.chat_id == 1001
    assert reply.raw["from"]["is_bot"] is True
    # Confirmed by the next getUpdates, which aiogram sends once the batch is handed out.
    await until(lambda: emu.state.queue.pending == [], "the update is confirmed")


async def test_wait_messages_times_out_with_transcript(emu, polling):
    user = emu.user(1001, first_name="Анна")
    await user.send("only one")
    with pytest.raises(AssertionError) as info:
        await user.wait_messages(n=2, timeout=0.5)
    assert "'only one'" in str(info.value) and "Анна" in str(info.value)


async def test_press_answers_and_edits(emu, polling):
    user = emu.user(1001)
    await user.send("/menu")
    (menu,) = await user.wait_messages()
    assert menu.buttons == ["Да"] and menu.button_data("Да") == "yes"
    query = await user.press("Да")
    assert query["message"]["message_id"] == menu.message_id
    assert query["chat_instance"] and query["data"] == "yes"
    # The handler answers the press, then edits the message: the edit comes last.
    await until(lambda: menu.edited, "the message is edited")
    assert [(a.text, a.show_alert) for a in user.callback_answers] == [("Принято", True)]
    assert menu.text == "Вы выбрали: да" and menu.edited and menu.buttons == []
    assert user.last_message is menu


async def test_press_unknown_button_lists_available(emu, polling):
    user = emu.user(1001)
    await user.send("/menu")
    await user.wait_messages()
    with pytest.raises(AssertionError, match="'Да'"):
        await user.press("Нет")


async def test_edited_message_update(emu, polling):
    user = emu.user(1001)
    sent = await user.send("draft")
    await user.wait_messages()
    await user.edit(sent["message_id"], "final")
    (reply,) = await user.wait_messages()
    assert reply.text == "edited: final"


async def test_block_sends_my_chat_member_and_then_403(emu, polling, bot):
    user = emu.user(1001)
    await user.send("hi")
    await user.wait_messages()
    emu.block(user)
    await until(lambda: polling, "the block reaches the handler", expect=["member->kicked"])
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(1001, "are you there?")
    assert emu.calls[-1].error_code == 403
    emu.unblock(user)
    await until(lambda: polling, "the unblock reaches the handler",
                expect=["member->kicked", "kicked->member"])
    await bot.send_message(1001, "welcome back")


async def test_group_add_and_message(emu, polling):
    user = emu.user(1001)
    group = emu.group(-1001234567890, title="Кураторы")
    await group.add_bot(by=user)
    await group.send(user, "in group")
    (reply,) = await group.wait_messages()
    assert reply.text == "in group" and reply.raw["chat"]["type"] == "supergroup"
    await until(lambda: polling, "the bot's joining reaches the handler", expect=["left->member"])
