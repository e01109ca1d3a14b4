"""Which function answers which Bot API method (names are case-insensitive)."""

from __future__ import annotations

from bot.emulator import chat_methods as chats
from bot.emulator import methods as msgs
from bot.emulator.call import Handler

SEND_METHODS = frozenset({"sendmessage", "senddocument", "sendphoto", "sendvoice"})

HANDLERS: dict[str, Handler] = {
    name.lower(): handler
    for name, handler in {
        "getMe": chats.get_me,
        "sendMessage": msgs.send_message,
        "sendDocument": msgs.send_document,
        "sendPhoto": msgs.send_photo,
        "sendVoice": msgs.send_voice,
        "editMessageText": msgs.edit_message_text,
        "editMessageCaption": msgs.edit_message_caption,
        "editMessageReplyMarkup": msgs.edit_message_reply_markup,
        "deleteMessage": msgs.delete_message,
        "answerCallbackQuery": msgs.answer_callback_query,
        "getFile": msgs.get_file,
        "setMyCommands": chats.set_my_commands,
        "getMyCommands": chats.get_my_commands,
        "deleteMyCommands": chats.delete_my_commands,
        "sendChatAction": chats.send_chat_action,
        "getChat": chats.get_chat,
        "setChatMenuButton": chats.set_chat_menu_button,
        "getChatMenuButton": chats.get_chat_menu_button,
        "setMyDescription": chats.harmless,
        "setMyShortDescription": chats.harmless,
        "setMyName": chats.harmless,
        "logOut": chats.harmless,
        "close": chats.harmless,
    }.items()
}
