import pytest

from bot.delivery.render import Renderer, RenderError, resolve_locale


@pytest.fixture
def renderer(translator):
    return Renderer(translator, "ru", "Europe/Moscow")


PAYLOAD = {
    "text_key": "reminder.meeting",
    "params": {"title": "<Знакомство>", "when": {"$datetime": "2026-11-22T09:00:00+00:00"}},
    "buttons": [[{"text_key": "reminder.details_button", "callback_data": "m:42"},
                 {"text": "Site", "url": "https://example.org"}]],
}


def test_renders_in_the_recipients_language_and_timezone(renderer):
    ru = renderer.render(PAYLOAD, user_locale=None, row_locale=None, user_timezone=None)
    assert ru.text == "Напоминание: встреча «&lt;Знакомство&gt;» — 22 ноября, 12:00."
    en = renderer.render(PAYLOAD, user_locale="en", row_locale="ru",
                         user_timezone="Asia/Yekaterinburg")
    assert en.text == "Reminder: meeting “&lt;Знакомство&gt;” — 22 November, 14:00."
    buttons = en.reply_markup.inline_keyboard[0]
    assert (buttons[0].text, buttons[0].callback_data) == ("Details", "m:42")
    assert (buttons[1].text, buttons[1].url) == ("Site", "https://example.org")


def test_locale_resolution_order():
    assert resolve_locale("en", "ru", "ru") == "en"
    assert resolve_locale(None, "en", "ru") == "en"
    assert resolve_locale("de", None, "ru") == "ru"


def test_dates_and_bad_params(renderer):
    payload = {"text_key": "announcement.text", "params": {"text": {"$date": "2026-03-08"}}}
    assert renderer.render(payload, user_locale="ru", row_locale=None,
                           user_timezone=None).text == "8 марта"
    with pytest.raises(RenderError):
        renderer.render({"text_key": "announcement.text",
                         "params": {"text": {"$datetime": "yesterday"}}},
                        user_locale=None, row_locale=None, user_timezone=None)
    with pytest.raises(RenderError):
        renderer.render({"text_key": "no.such.key"}, user_locale=None, row_locale=None,
                        user_timezone=None)
