"""The update path's outer middlewares stay few (issue #21): each layer is a coroutine frame and
aiogram's wrapping per update. The update's own concerns (session, prefetch, de-duplication,
state, user and locale) are steps of one layer (the e2e suites check what each does)."""

from datetime import UTC, datetime

from aiogram.types import Chat, Message, Update, User

from bot.runtime.middlewares import UpdateMiddleware
from tests.recording_bot import create_recording_bot


def _text(update_id: int, user_id: int, text: str, language_code: str = "ru") -> Update:
    user = User(id=user_id, is_bot=False, first_name="X", language_code=language_code)
    return Update(update_id=update_id, message=Message(
        message_id=update_id, date=datetime.now(UTC), chat=Chat(id=user_id, type="private"),
        from_user=user, text=text))


def test_the_update_path_has_at_most_five_outer_layers(app):
    # aiogram's errors and event context, the conversation lock, the journal's tracker, ours.
    chain = app.dispatcher.update.outer_middleware._middlewares
    assert len(chain) <= 5, [type(m).__name__ for m in chain]
    assert sum(isinstance(m, UpdateMiddleware) for m in chain) == 1


async def test_the_steps_run_before_the_handler(app):
    bot = create_recording_bot()
    await app.dispatcher.feed_update(bot, _text(1, 10, "/start", "en"))
    await app.dispatcher.feed_update(bot, _text(2, 11, "/start", "ru"))
    texts = bot.session.texts()  # the user and locale steps ran: each in their own language
    assert texts[0].startswith("Hello") and texts[1].startswith("Здравствуйте")
