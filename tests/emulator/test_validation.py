"""Telegram's own 400 checks, with its exact description strings."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


@pytest.fixture
async def user(emu):
    person = emu.user(1001, first_name="Анна")
    await person.send("/start")
    return person


def keyboard(data: str = "ok", text: str = "OK") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=text, callback_data=data)]]
    )


async def expect_400(raw, description: str, method: str = "sendMessage", **params) -> None:
    status, body = await raw.call(method, **params)
    assert (status, body) == (400, {"ok": False, "error_code": 400, "description": description})


async def test_empty_text(raw, user):
    await expect_400(raw, "Bad Request: message text is empty", chat_id=1001, text="")
    await expect_400(raw, "Bad Request: message text is empty", chat_id=1001, text="  \n")
    await expect_400(
        raw, "Bad Request: message text is empty", chat_id=1001, text="<b></b>", parse_mode="HTML"
    )
    assert user.messages == []


async def test_text_length_limit_counts_after_entity_parsing(raw, user):
    await expect_400(raw, "Bad Request: message is too long", chat_id=1001, text="x" * 4097)
    status, _ = await raw.call("sendMessage", chat_id=1001, text="x" * 4096)
    assert status == 200
    # Tags and entities do not count: 4096 visible characters plus markup is fine.
    html = "<b>" + "&lt;" * 4000 + "</b>" + "y" * 96
    status, body = await raw.call("sendMessage", chat_id=1001, text=html, parse_mode="HTML")
    assert status == 200, body
    assert len(body["result"]["text"]) == 4096
    await expect_400(
        raw, "Bad Request: message is too long", chat_id=1001, text=html + "z", parse_mode="HTML"
    )


async def test_caption_too_long(bot, user):
    from aiogram.types import BufferedInputFile

    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_document(1001, BufferedInputFile(b"x", "a.txt"), caption="c" * 1025)
    await bot.send_document(1001, BufferedInputFile(b"x", "a.txt"), caption="c" * 1024)
    assert len(user.messages) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Hello <Anna>",  # unknown tag
        "<b>bold",  # unclosed
        "<b><i>x</b></i>",  # mismatched
        "x </b>",  # unexpected end tag
        "a < b",  # bare <
        "Tom & Jerry",  # bare & (stricter than Telegram on purpose)
        "<span>x</span>",  # span without spoiler class
        "<br>",  # not a Telegram tag
        "&nbsp;",  # named entity Telegram does not support
    ],
)
async def test_html_parse_errors(raw, user, text):
    status, body = await raw.call("sendMessage", chat_id=1001, text=text, parse_mode="HTML")
    assert status == 400
    assert body["description"].startswith("Bad Request: can't parse entities: ")
    assert user.messages == []


async def test_html_parse_error_text(raw, user):
    await expect_400(
        raw,
        'Bad Request: can\'t parse entities: Unsupported start tag "anna" at byte offset 6',
        chat_id=1001,
        text="Hello <Anna>",
        parse_mode="HTML",
    )


async def test_html_success_returns_plain_text_and_entities(bot, user):
    text = '<b>Привет</b>, <a href="https://t.me/x?a=1&amp;b=2">ссылка</a> &lt;3 <tg-spoiler>s</tg-spoiler>'
    sent = await bot.send_message(1001, text, parse_mode="HTML")
    assert sent.text == "Привет, ссылка <3 s"
    kinds = [(e.type, e.offset, e.length) for e in sent.entities]
    assert kinds == [("bold", 0, 6), ("text_link", 8, 6), ("spoiler", 18, 1)]
    assert sent.entities[1].url == "https://t.me/x?a=1&b=2"
    assert user.last_message.text == "Привет, ссылка <3 s"
    assert user.last_message.parse_mode == "HTML"


async def test_without_parse_mode_markup_is_literal(bot, user):
    sent = await bot.send_message(1001, "<Anna> & co", parse_mode=None)
    assert sent.text == "<Anna> & co"


async def test_callback_data_length(raw, bot, user):
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(1001, "x", reply_markup=keyboard("я" * 33))  # 66 bytes
    await bot.send_message(1001, "x", reply_markup=keyboard("я" * 32))  # 64 bytes
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": ""}]]}
    await expect_400(
        raw, "Bad Request: BUTTON_DATA_INVALID", chat_id=1001, text="x", reply_markup=markup
    )
    assert len(user.messages) == 1


async def test_button_text_and_kind(raw, user):
    empty = {"inline_keyboard": [[{"text": "", "callback_data": "a"}]]}
    status, body = await raw.call("sendMessage", chat_id=1001, text="x", reply_markup=empty)
    assert status == 400 and "Text must be non-empty" in body["description"]
    plain = {"inline_keyboard": [[{"text": "A"}]]}
    status, body = await raw.call("sendMessage", chat_id=1001, text="x", reply_markup=plain)
    assert status == 400 and "Text buttons are unallowed" in body["description"]
    url = {"inline_keyboard": [[{"text": "Site", "url": "https://example.org"}]]}
    status, _ = await raw.call("sendMessage", chat_id=1001, text="x", reply_markup=url)
    assert status == 200 and user.last_message.buttons == ["Site"]
    with pytest.raises(AssertionError, match="no callback_data"):
        await user.press("Site")


async def test_edit_message_text_checks(bot, user):
    sent = await bot.send_message(1001, "v1", reply_markup=keyboard())
    with pytest.raises(TelegramBadRequest) as info:
        await bot.edit_message_text(
            "v1", chat_id=1001, message_id=sent.message_id, reply_markup=keyboard()
        )
    assert info.value.message == NOT_MODIFIED
    # Same text without reply_markup removes the keyboard, which is a modification.
    edited = await bot.edit_message_text("v1", chat_id=1001, message_id=sent.message_id)
    assert edited.reply_markup is None and edited.edit_date
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("v2", chat_id=1001, message_id=999)
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("v2", chat_id=1001, message_id=1)  # the user's /start
    await bot.edit_message_text(
        "<i>v2</i>", chat_id=1001, message_id=sent.message_id, parse_mode="HTML"
    )
    message = user.messages[0]
    assert (
        message.text == "v2" and message.edited and message.raw["entities"][0]["type"] == "italic"
    )


async def test_edit_reply_markup_and_delete(bot, user):
    sent = await bot.send_message(1001, "menu", reply_markup=keyboard())
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=1001, message_id=sent.message_id, reply_markup=keyboard()
        )
    await bot.edit_message_reply_markup(
        chat_id=1001, message_id=sent.message_id, reply_markup=keyboard("b", "B")
    )
    assert user.last_message.buttons == ["B"]
    assert await bot.delete_message(1001, sent.message_id) is True
    assert user.last_message.deleted
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(1001, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("late", chat_id=1001, message_id=sent.message_id)


async def test_answer_callback_query_once(bot, emu, user):
    await bot.send_message(1001, "menu", reply_markup=keyboard())
    query = await user.press("OK")
    assert await bot.answer_callback_query(query["id"], text="ok") is True
    expected = "query is too old and response timeout expired or query ID is invalid"
    with pytest.raises(TelegramBadRequest, match=expected):
        await bot.answer_callback_query(query["id"])
    with pytest.raises(TelegramBadRequest, match=expected):
        await bot.answer_callback_query("123456")
    assert [a.text for a in user.callback_answers] == ["ok"]


async def test_press_data_forged(bot, user):
    sent = await bot.send_message(1001, "menu", reply_markup=keyboard())
    query = await user.press_data("evil:1")
    assert query["data"] == "evil:1" and query["message"]["message_id"] == sent.message_id


async def test_reply_keyboard_is_accepted(bot, user):
    from aiogram.types import KeyboardButton, ReplyKeyboardMarkup

    markup = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Меню")]], resize_keyboard=True)
    sent = await bot.send_message(1001, "x", reply_markup=markup)
    assert sent.reply_markup is None  # Telegram only echoes inline keyboards
    assert user.last_message.reply_markup["keyboard"] == [[{"text": "Меню"}]]


async def test_send_chat_action_and_get_chat(bot, user):
    assert await bot.send_chat_action(1001, "typing") is True
    chat = await bot.get_chat(1001)
    assert chat.type == "private" and chat.first_name == "Анна"
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.get_chat(5555)


async def test_markdown_v2_over_http(bot, user):
    with pytest.raises(TelegramBadRequest, match="Character '.' is reserved"):
        await bot.send_message(1001, "Анна К.", parse_mode="MarkdownV2")
    sent = await bot.send_message(1001, r"*Анна К\.*", parse_mode="MarkdownV2")
    assert sent.text == "Анна К." and sent.entities[0].type == "bold"
    with pytest.raises(TelegramBadRequest, match="unsupported parse_mode"):
        await bot.send_message(1001, "x", parse_mode="BBCode")


async def test_callback_answer_over_200_characters(bot, user):
    await bot.send_message(1001, "menu", reply_markup=keyboard())
    query = await user.press("OK")
    with pytest.raises(TelegramBadRequest, match="Bad Request: MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(query["id"], text="я" * 201, show_alert=True)
    assert await bot.answer_callback_query(query["id"], text="я" * 200) is True


@pytest.mark.parametrize("label", ["Школа «Бета» &amp; Co", "&lt;b&gt;", "&quot;Альфа&quot;",
                                   "Д&#x27;Артаньян"])
async def test_a_button_text_escaped_for_html_is_refused(raw, bot, user, label):
    """Telegram shows a button's text as it is: «&amp;» there is a bug of the bot (text escaped
    for a message), which the strict emulator makes an error tests see."""
    markup = {"inline_keyboard": [[{"text": label, "callback_data": "a"}]]}
    status, body = await raw.call("sendMessage", chat_id=1001, text="x", reply_markup=markup)
    assert status == 400
    assert body["description"].startswith("Bad Request: can't parse inline keyboard button: ")
    assert "would be shown as it is" in body["description"]
    reply = {"keyboard": [[{"text": label}]]}
    status, body = await raw.call("sendMessage", chat_id=1001, text="x", reply_markup=reply)
    assert status == 400 and "can't parse keyboard button" in body["description"]
    sent = await bot.send_message(1001, "menu", reply_markup=keyboard())
    status, _ = await raw.call("editMessageReplyMarkup", chat_id=1001,
                               message_id=sent.message_id, reply_markup=markup)
    assert status == 400
    # What the bot should send: the raw text, «&», «<» and quotes as they are.
    plain = "Школа «Бета» & Co <1> \"Q&A\""
    await bot.send_message(1001, "x", reply_markup=keyboard(text=plain))
    assert user.last_message.buttons == [plain]


async def test_a_callback_answer_escaped_for_html_is_refused(bot, user):
    await bot.send_message(1001, "menu", reply_markup=keyboard())
    query = await user.press("OK")
    with pytest.raises(TelegramBadRequest, match="callback query answer: the HTML entity"):
        await bot.answer_callback_query(query["id"], text="Школа &amp; Co", show_alert=True)
    assert await bot.answer_callback_query(query["id"], text="Школа & Co") is True


async def test_plain_text_strictness_can_be_turned_off():
    from bot.emulator import BotAPIEmulator
    from tests.emulator.conftest import make_bot

    async with BotAPIEmulator(strict_plain_text=False) as emulator:
        person = emulator.user(1001)
        await person.send("/start")
        lenient = make_bot(emulator)
        try:
            await lenient.send_message(1001, "x", reply_markup=keyboard(text="A &amp; B"))
        finally:
            await lenient.session.close()
        assert person.last_message.buttons == ["A &amp; B"]  # as Telegram would show it
