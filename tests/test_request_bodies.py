"""The common Bot API requests are turned into JSON without pydantic's dump (issue #21): what
goes to Telegram must be exactly what the full path (pydantic's dump and aiogram's preparation
of each value) makes, for every kind of request the bot sends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.methods import (
    AnswerCallbackQuery,
    BanChatMember,
    DeleteMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
)
from aiogram.types import (
    BufferedInputFile,
    CopyTextButton,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    MessageEntity,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    WebAppInfo,
)

from bot.config import Settings
from bot.runtime.factory import create_bot
from bot.telegram.session import JsonBodySession
from bot.telegram.tuning import callback_button, dumped_fields, json_request_fields, plain_fields


def _keyboard(*extra: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text="Вариант <1> & «2»", callback_data="sv:12345:q_interest:o:0")],
        [InlineKeyboardButton(text="✅ Да", callback_data="sv:1:q:t:1"),
         InlineKeyboardButton(text="Сайт", url="https://example.org/?a=1&b=2")],
        [InlineKeyboardButton(text="Пропустить", callback_data="sv:1:q:s:-1", pay=False)],
        *([[button] for button in extra]),
    ])


PLAIN = [
    SendMessage(chat_id=1, text="<b>Вопрос 5 из 12</b>\nКакие темы?", reply_markup=_keyboard()),
    EditMessageText(chat_id=1, message_id=5, text="Вопрос 6", reply_markup=InlineKeyboardMarkup(
        inline_keyboard=[[callback_button("✅ Да", "sv:1:q:t:1")],
                         [callback_button("Готово", "sv:1:q:d:-1")]])),
    SendMessage(chat_id=-100123, text="x", disable_notification=True, protect_content=False),
    SendMessage(chat_id="@channel", text="plain", parse_mode=None),
    EditMessageText(chat_id=1, message_id=5, text="Ответ сохранён", reply_markup=_keyboard()),
    EditMessageText(chat_id=1, message_id=5, text="без клавиатуры"),
    EditMessageReplyMarkup(chat_id=1, message_id=5, reply_markup=InlineKeyboardMarkup(
        inline_keyboard=[])),
    AnswerCallbackQuery(callback_query_id="42", text="Сохранено"),
    AnswerCallbackQuery(callback_query_id="42", text="Нельзя", show_alert=True, cache_time=0),
    DeleteMessage(chat_id=1, message_id=9),
    SendPhoto(chat_id=1, photo="AgACAgIAAxkBAAI", caption="<i>фото</i>"),  # by file_id
]

FULL_PATH_ONLY = [
    SendMessage(chat_id=1, text="x", reply_markup=_keyboard(
        InlineKeyboardButton(text="app", web_app=WebAppInfo(url="https://example.org")))),
    SendMessage(chat_id=1, text="x", reply_markup=_keyboard(
        InlineKeyboardButton(text="copy", copy_text=CopyTextButton(text="code")))),
    SendMessage(chat_id=1, text="x", reply_markup=ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="📅 Встреча")]], resize_keyboard=True)),
    SendMessage(chat_id=1, text="x", reply_markup=ReplyKeyboardRemove()),
    SendMessage(chat_id=1, text="x", entities=[MessageEntity(type="bold", offset=0, length=1)]),
    SendMessage(chat_id=1, text="x", link_preview_options=LinkPreviewOptions(is_disabled=True)),
    BanChatMember(chat_id=-100, user_id=5, until_date=datetime(2027, 1, 1, tzinfo=UTC)),
]


@pytest.fixture
async def bot():
    bot = create_bot(Settings(bot_token="42:TEST", _env_file=None))  # as the bot runs
    yield bot
    await bot.session.close()


@pytest.mark.parametrize("method", PLAIN + FULL_PATH_ONLY, ids=lambda m: type(m).__name__)
async def test_a_request_is_sent_as_the_full_path_makes_it(bot, method):
    assert json_request_fields(bot.session, bot, method) == dumped_fields(bot.session, bot, method)


@pytest.mark.parametrize("method", PLAIN, ids=lambda m: type(m).__name__)
async def test_the_common_requests_take_the_short_path(bot, method):
    assert plain_fields(bot, method) == dumped_fields(bot.session, bot, method)


@pytest.mark.parametrize("method", FULL_PATH_ONLY, ids=lambda m: type(m).__name__)
async def test_nested_objects_dates_and_previews_take_the_full_path(bot, method):
    assert plain_fields(bot, method) is None


async def test_the_bot_default_parse_mode_is_sent_and_an_explicit_none_is_not(bot):
    assert plain_fields(bot, SendMessage(chat_id=1, text="x"))["parse_mode"] == "HTML"
    assert "parse_mode" not in plain_fields(bot, SendMessage(chat_id=1, text="x", parse_mode=None))


async def test_a_bot_default_that_is_an_object_takes_the_full_path():
    session = JsonBodySession()
    bot = Bot("42:TEST", session=session, default=DefaultBotProperties(
        parse_mode="HTML", link_preview_is_disabled=True))
    try:
        method = SendMessage(chat_id=1, text="x", reply_markup=_keyboard())
        assert plain_fields(bot, method) is None
        assert json_request_fields(session, bot, method)["link_preview_options"] == {
            "is_disabled": True}
    finally:
        await session.close()


async def test_a_file_upload_has_no_json_body(bot):
    upload = SendDocument(chat_id=1, document=BufferedInputFile(b"data", filename="report.xlsx"))
    assert plain_fields(bot, upload) is None
    assert json_request_fields(bot.session, bot, upload) is None


@pytest.mark.parametrize("method", PLAIN + FULL_PATH_ONLY, ids=lambda m: type(m).__name__)
async def test_a_reply_kept_for_after_the_commit_is_replayed_as_it_would_have_been_sent(
        bot, method):
    """Kept replies are written into the update's record and, after a crash, sent from it
    (bot/runtime/update_unit.py): what the replay sends is what the first attempt would have."""
    from bot.runtime.update_unit import dump_requests, load_requests

    (replayed,) = load_requests(dump_requests(bot, [method]))
    assert type(replayed) is type(method)
    assert (json_request_fields(bot.session, bot, replayed)
            == json_request_fields(bot.session, bot, method))


def test_a_plain_button_is_the_validated_button():
    """callback_button (tuning's `plain_buttons`) makes what the validating constructor makes:
    equal, dumped alike, and a button of its own (changing one changes no other)."""
    made = callback_button("Вариант <1> & «2»", "sv:12345:q_interest:o:0")
    validated = InlineKeyboardButton(text="Вариант <1> & «2»",
                                     callback_data="sv:12345:q_interest:o:0")
    assert type(made) is InlineKeyboardButton
    assert made == validated and repr(made) == repr(validated)
    assert made.model_dump() == validated.model_dump()
    assert made.model_dump(exclude_unset=True) == validated.model_dump(exclude_unset=True)
    assert made.model_fields_set == validated.model_fields_set
    assert made.bot is None
    other = callback_button("Другой", "sv:1:q:o:1")
    assert (other.text, other.callback_data) == ("Другой", "sv:1:q:o:1")
    assert (made.text, made.callback_data) == ("Вариант <1> & «2»", "sv:12345:q_interest:o:0")
    assert made.model_copy(update={"text": "x"}).text == "x" and made.text != "x"
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[made, other]])
    assert keyboard == InlineKeyboardMarkup(inline_keyboard=[[validated, InlineKeyboardButton(
        text="Другой", callback_data="sv:1:q:o:1")]])
