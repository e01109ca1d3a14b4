"""Uploads, getFile and downloads; bot commands per scope and language."""

from __future__ import annotations

import aiohttp
import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BufferedInputFile,
)


@pytest.fixture
async def user(emu):
    person = emu.user(1001)
    await person.send("/start")
    return person


async def download(emu, file_path: str) -> tuple[int, bytes]:
    url = f"{emu.base_url}/file/bot{emu.token}/{file_path}"
    async with aiohttp.ClientSession() as session, session.get(url) as resp:
        return resp.status, await resp.read()


async def test_document_round_trip(emu, bot, user):
    content = bytes(range(256)) * 40
    sent = await bot.send_document(1001, BufferedInputFile(content, "plan.docx"), caption="План")
    doc = sent.document
    assert doc.file_name == "plan.docx" and doc.file_size == len(content)
    assert (
        doc.mime_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert sent.caption == "План"
    stored = user.last_message
    assert stored.document.content == content and stored.document.filename == "plan.docx"
    assert stored.text == "План"
    file = await bot.get_file(doc.file_id)
    assert file.file_path.endswith(".docx") and file.file_size == len(content)
    assert await download(emu, file.file_path) == (200, content)
    # aiogram's own download path uses the same route.
    buffer = await bot.download_file(file.file_path)
    assert buffer.read() == content
    # A file_id can be sent again without re-uploading.
    again = await bot.send_document(1001, doc.file_id)
    assert again.document.file_unique_id == doc.file_unique_id


async def test_user_uploads_are_downloadable(emu, bot, user):
    update_message = await user.send_document(filename="report.pdf", content=b"%PDF-1.4 data")
    file = await bot.get_file(update_message["document"]["file_id"])
    assert await download(emu, file.file_path) == (200, b"%PDF-1.4 data")
    assert update_message["document"]["mime_type"] == "application/pdf"
    photo = await user.send_photo(content=b"jpegbytes")
    photo_file = await bot.get_file(photo["photo"][-1]["file_id"])
    assert (await download(emu, photo_file.file_path))[1] == b"jpegbytes"
    assert "sticker" in await user.send_sticker()
    assert "voice" in await user.send_voice()


async def test_send_photo_and_file_errors(emu, bot, user):
    sent = await bot.send_photo(1001, BufferedInputFile(b"img", "p.jpg"))
    assert sent.photo[-1].file_size == 3 and user.last_message.photo == b"img"
    with pytest.raises(TelegramBadRequest, match="wrong file identifier/HTTP URL specified"):
        await bot.send_document(1001, "no-such-file-id")
    with pytest.raises(TelegramBadRequest, match="file must be non-empty"):
        await bot.send_document(1001, BufferedInputFile(b"", "empty.txt"))
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")
    assert (await download(emu, "documents/nothing.txt"))[0] == 404
    assert len(user.messages) == 1


async def test_commands_per_scope_and_language(emu, bot):
    default = [BotCommand(command="start", description="Начать")]
    private_en = [BotCommand(command="help", description="Help")]
    assert await bot.set_my_commands(default)
    await bot.set_my_commands(
        private_en, scope=BotCommandScopeAllPrivateChats(), language_code="en"
    )
    await bot.set_my_commands(default, scope=BotCommandScopeChat(chat_id=-100))
    assert emu.commands[("default", "")] == [{"command": "start", "description": "Начать"}]
    assert emu.commands[("all_private_chats", "en")] == [{"command": "help", "description": "Help"}]
    assert ("chat:-100", "") in emu.commands
    got = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="en")
    assert [c.command for c in got] == ["help"]
    assert await bot.get_my_commands(language_code="de") == []
    await bot.delete_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="en")
    assert ("all_private_chats", "en") not in emu.commands
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad-Name", description="x")])


async def test_menu_button_and_harmless_methods(bot):
    from aiogram.types import MenuButtonCommands

    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert (await bot.get_chat_menu_button()).type == "commands"
    assert await bot.set_my_description("desc")
