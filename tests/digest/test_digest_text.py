"""The digest and /status are stored as translation keys with parameters and rendered at send
time: the text a curator reads is the one the bot rendered when the digest was queued (golden
texts below were made by that code), in the language of whoever reads it, with the same
buttons; rows queued with the whole text (before the upgrade) still send."""

from __future__ import annotations

from datetime import date

from bot.delivery.render import Renderer
from bot.services.notices import digest
from bot.services.reports.programme_stats import ProgrammeFigures, RiskPair, RoadmapLine
from bot.services.surveys.completion import SurveyLine


def rich_figures() -> ProgrammeFigures:
    """Every section of the digest, long lists cut with «and N more», names that need escaping."""
    participants = {
        "mentor": {"invited": 0, "guardian_pending": 0, "questionnaire": 1, "ready": 2,
                   "paired": 9, "withdrawn": 1},
        "mentee": {"invited": 0, "guardian_pending": 2, "questionnaire": 0, "ready": 0,
                   "paired": 12, "withdrawn": 0},
    }
    at_risk = [RiskPair(100 + i, f"Наставник <{i}> & Ко", f"Ученик {i}", 20 + i, i, 50 + i)
               for i in range(12)]
    overdue = [RoadmapLine(f"1.{i} Приказ «{i}» & <план>", date(2026, 11, i + 1)) for i in range(7)]
    return ProgrammeFigures(
        programme_id=7, title="Школа <№1> & Co", state="running", timezone="Europe/Moscow",
        today=date(2026, 11, 16), participants=participants, by_role_form_age={},
        pairs_by_state={"active": 9, "paused": 1, "completed": 2, "ended_early": 1},
        pairs_by_stage={"intro": 3, "trial": 0, "planning": 2, "regular": 5, "final": 0},
        unreachable=[f"Недоступный {i} <x>" for i in range(11)], failed_deliveries=3,
        cadence_days=14, meetings_this_week=4, meetings_last_week=6, feedback_avg=8.25,
        feedback_avg_prev=9.0, feedback_outstanding=5, at_risk=at_risk,
        roadmap_overdue=overdue, roadmap_upcoming=[RoadmapLine("2.3 Опрос", None)],
        surveys=[SurveyLine("entry", 10, 10), SurveyLine("mid", 12, 7)])


DIGEST_RU = (
    "📊 <b>Дайджест «Школа &lt;№1&gt; &amp; Co»</b>, 16.11.2026\n"
    "Наставники: 12 (без анкеты 1, готовы к подбору 2, в парах 9)\n"
    "Наставляемые: 14 (ждут согласия родителя 2, в парах 12)\n"
    "Пары: 10 (в парах 81% участников)\n"
    "Этапы: знакомство 3, планирование 2, рабочие встречи 5\n"
    "завершили 2, распались 1\n"
    "Встречи: на этой неделе 4, на прошлой 6\n"
    "Полезность встреч: 8.2 ↓ (прошлая неделя 9.0)\n"
    "📝 Не заполнено анкет обратной связи: 5\n"
    "📋 Входная самооценка: ответили 10 из 10\n"
    "📋 Промежуточный опрос: ответили 7 из 12\n"
    "⚠️ Без встречи и переписки дольше 14 дн. (12): Наставник &lt;0&gt; &amp; Ко — Ученик 0, Наставник &lt;1&gt; &amp; Ко — Ученик 1, Наставник &lt;2&gt; &amp; Ко — Ученик 2, Наставник &lt;3&gt; &amp; Ко — Ученик 3, Наставник &lt;4&gt; &amp; Ко — Ученик 4, Наставник &lt;5&gt; &amp; Ко — Ученик 5, Наставник &lt;6&gt; &amp; Ко — Ученик 6, Наставник &lt;7&gt; &amp; Ко — Ученик 7, Наставник &lt;8&gt; &amp; Ко — Ученик 8, Наставник &lt;9&gt; &amp; Ко — Ученик 9 и ещё 2\n"
    "⏰ Просрочено в дорожной карте (7): 1.0 Приказ «0» &amp; &lt;план&gt; (до 01.11), 1.1 Приказ «1» &amp; &lt;план&gt; (до 02.11), 1.2 Приказ «2» &amp; &lt;план&gt; (до 03.11), 1.3 Приказ «3» &amp; &lt;план&gt; (до 04.11), 1.4 Приказ «4» &amp; &lt;план&gt; (до 05.11) и ещё 2\n"
    "📅 Сроки в ближайшие 2 недели (1): 2.3 Опрос (до —)\n"
    "🚫 Бот не может написать (11): Недоступный 0 &lt;x&gt;, Недоступный 1 &lt;x&gt;, Недоступный 2 &lt;x&gt;, Недоступный 3 &lt;x&gt;, Недоступный 4 &lt;x&gt;, Недоступный 5 &lt;x&gt;, Недоступный 6 &lt;x&gt;, Недоступный 7 &lt;x&gt;, Недоступный 8 &lt;x&gt;, Недоступный 9 &lt;x&gt; и ещё 1\n"
    "Не доставлено сообщений за неделю: 3"
)

STATUS_EN = (
    "📋 <b>“Школа &lt;№1&gt; &amp; Co” now</b>, 16.11.2026\n"
    "Mentors: 12 (no questionnaire 1, ready for matching 2, paired 9)\n"
    "Mentees: 14 (awaiting a parent's consent 2, paired 12)\n"
    "Pairs: 10 (81% of participants paired)\n"
    "Stages: intro 3, planning 2, regular meetings 5\n"
    "completed 2, ended early 1\n"
    "Meetings: 4 this week, 6 last week\n"
    "Meeting usefulness: 8.2 ↓ (last week 9.0)\n"
    "📝 Feedback forms outstanding: 5\n"
    "📋 Entry self-assessment: 10 of 10 answered\n"
    "📋 Midterm survey: 7 of 12 answered\n"
    "⚠️ No meeting and no message for over 14 days (12): Наставник &lt;0&gt; &amp; Ко — Ученик 0, Наставник &lt;1&gt; &amp; Ко — Ученик 1, Наставник &lt;2&gt; &amp; Ко — Ученик 2, Наставник &lt;3&gt; &amp; Ко — Ученик 3, Наставник &lt;4&gt; &amp; Ко — Ученик 4, Наставник &lt;5&gt; &amp; Ко — Ученик 5, Наставник &lt;6&gt; &amp; Ко — Ученик 6, Наставник &lt;7&gt; &amp; Ко — Ученик 7, Наставник &lt;8&gt; &amp; Ко — Ученик 8, Наставник &lt;9&gt; &amp; Ко — Ученик 9 and 2 more\n"
    "⏰ Overdue roadmap items (7): 1.0 Приказ «0» &amp; &lt;план&gt; (due 01.11), 1.1 Приказ «1» &amp; &lt;план&gt; (due 02.11), 1.2 Приказ «2» &amp; &lt;план&gt; (due 03.11), 1.3 Приказ «3» &amp; &lt;план&gt; (due 04.11), 1.4 Приказ «4» &amp; &lt;план&gt; (due 05.11) and 2 more\n"
    "📅 Due in the next 2 weeks (1): 2.3 Опрос (due —)\n"
    "🚫 The bot cannot reach (11): Недоступный 0 &lt;x&gt;, Недоступный 1 &lt;x&gt;, Недоступный 2 &lt;x&gt;, Недоступный 3 &lt;x&gt;, Недоступный 4 &lt;x&gt;, Недоступный 5 &lt;x&gt;, Недоступный 6 &lt;x&gt;, Недоступный 7 &lt;x&gt;, Недоступный 8 &lt;x&gt;, Недоступный 9 &lt;x&gt; and 1 more\n"
    "Undelivered messages this week: 3"
)


def render(translator, heading: str, locale: str):
    return Renderer(translator, "ru", "Europe/Moscow").render(
        digest.figures_message(rich_figures(), heading), user_locale=locale, row_locale="ru",
        user_timezone=None)


def test_the_digest_reads_as_it_did_when_rendered_at_queue_time(translator):
    assert render(translator, "digest.heading", "ru").text == DIGEST_RU


def test_status_in_the_readers_language(translator):
    assert render(translator, "status.heading", "en").text == STATUS_EN


def test_buttons_nudge_the_first_pairs_at_risk_and_remind_open_surveys(translator):
    rows = render(translator, "digest.heading", "ru").reply_markup.inline_keyboard
    buttons = [(b.text, b.callback_data) for row in rows for b in row]
    assert len(buttons) == digest.MAX_NAMES + 1  # one survey still has people to answer
    assert buttons[0] == ("🔔 Напомнить: Наставник <0> & Ко", "dgn:100")
    assert buttons[-1] == ("🔔 Напомнить не ответившим: Промежуточный опрос", "dsr:7:mid")
    assert all(len(text) <= digest.BUTTON_CHARS for text, _ in buttons)


def test_a_digest_queued_as_text_before_the_upgrade_still_renders(translator):
    old_row = {"text": "📊 <b>Дайджест</b>", "buttons": [[
        {"text": "🔔 Напомнить: Анна", "callback_data": "dgn:5"}]]}
    rendered = Renderer(translator, "ru", "Europe/Moscow").render(
        old_row, user_locale="en", row_locale="ru", user_timezone=None)
    assert rendered.text == "📊 <b>Дайджест</b>"
    (button,), = rendered.reply_markup.inline_keyboard
    assert (button.text, button.callback_data) == ("🔔 Напомнить: Анна", "dgn:5")
