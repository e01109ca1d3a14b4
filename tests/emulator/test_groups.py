"""Supergroups: membership, commands addressed to the bot, kicks and the per-minute limit."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter

GROUP_ID = -1001234567890


async def test_group_unknown_until_bot_added(emu, bot, raw):
    user = emu.user(1001, first_name="Анна")
    group = emu.group(GROUP_ID, title="Кураторы")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(GROUP_ID, "hello")
    update = await group.add_bot(by=user)
    member = update["my_chat_member"]
    assert member["from"]["id"] == 1001 and member["chat"]["title"] == "Кураторы"
    assert (member["old_chat_member"]["status"], member["new_chat_member"]["status"]) == (
        "left",
        "member",
    )
    assert member["new_chat_member"]["user"]["is_bot"] is True
    await bot.send_message(GROUP_ID, "hello")
    chat = await bot.get_chat(GROUP_ID)
    assert chat.type == "supergroup" and chat.title == "Кураторы"


async def test_group_command_and_press_by_member(emu, bot, raw):
    user = emu.user(1001)
    group = emu.group(GROUP_ID, title="Кураторы")
    await group.add_bot(by=user)
    sent = await group.send(user, "/bind@mentorbot_demo_bot")
    assert sent["entities"][0]["length"] == len("/bind@mentorbot_demo_bot")
    assert sent["chat"]["type"] == "supergroup" and sent["from"]["id"] == 1001
    markup = {"inline_keyboard": [[{"text": "Привязать", "callback_data": "bind:1"}]]}
    await raw.call("sendMessage", chat_id=GROUP_ID, text="ok?", reply_markup=markup)
    query = await group.press(user, "Привязать")
    assert query["from"]["id"] == 1001 and query["message"]["chat"]["id"] == GROUP_ID
    assert await bot.answer_callback_query(query["id"], text="done")
    assert user.callback_answers[0].text == "done"


async def test_kicked_bot_gets_403(emu, bot):
    user = emu.user(1001)
    group = emu.group(GROUP_ID)
    await group.add_bot(by=user)
    await group.remove_bot(by=user)
    with pytest.raises(TelegramForbiddenError, match="bot was kicked from the supergroup chat"):
        await bot.send_message(GROUP_ID, "still here?")


async def test_group_per_minute_limit_over_http(limited_emu, limited_bot):
    user = limited_emu.user(1001)
    group = limited_emu.group(GROUP_ID)
    await group.add_bot(by=user)
    for i in range(20):
        await limited_bot.send_message(GROUP_ID, str(i))
    with pytest.raises(TelegramRetryAfter) as info:
        await limited_bot.send_message(GROUP_ID, "21st")
    assert 55 <= info.value.retry_after <= 60
    assert len(group.messages) == 20 and limited_emu.count_429 == 1
