from datetime import UTC, datetime

from aiogram.types import Chat, Message, Update, User

from tests.recording_bot import create_recording_bot


def text_update(update_id: int, user_id: int, text: str, language_code: str = "ru") -> Update:
    user = User(id=user_id, is_bot=False, first_name="X", language_code=language_code)
    return Update(update_id=update_id, message=Message(
        message_id=update_id, date=datetime.now(UTC), chat=Chat(id=user_id, type="private"),
        from_user=user, text=text))


async def test_start_answers_in_the_language_of_telegram(app):
    bot = create_recording_bot()
    await app.dispatcher.feed_update(bot, text_update(1, 10, "/start", "ru"))
    await app.dispatcher.feed_update(bot, text_update(2, 11, "/start", "en"))
    texts = bot.session.texts()
    assert texts[0].startswith("Здравствуйте")
    assert texts[1].startswith("Hello")
