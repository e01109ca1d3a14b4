"""`mentorbot demo` plays its scenes against the emulator and prints the dialogue."""

from bot.cli.demo import run_demo


async def test_demo_runs_every_scene_and_shows_the_dialogue():
    lines: list[str] = []
    assert await run_demo(out=lines.append, prog="scripts/run") == 0
    transcript = "\n".join(lines)
    # Started by scripts/run, the demo suggests scripts/run (`mentorbot` is not on that PATH).
    assert lines[-1] == "The demo is over. Run the bot for real: BOT_TOKEN=... scripts/run"
    for expected in (
        "🤖 Здравствуйте! Я бот программы наставничества.",
        "🤖 Hello! I am the mentorship programme bot.",
        "Готово: теперь я говорю по-русски.",
        "Согласие на обработку персональных данных",
        "Ответ слишком длинный",
        "Спасибо! Анкета заполнена.",
        "Ваш родитель дал согласие",
        "mentorbot-my-data.json",
        "Хорошо, я ничего не сохранил.",
        "Согласие отозвано, данные удалены",
        "Смирнова Анна Петровна ↔ Кузнецов Кирилл · ",
        "Ваш наставник: Смирнова Анна Петровна.",
        "1. ⚪️ Подготовить проект к школьной конференции — 15.12.2026",
        "Предпросмотр «roadmap.tsv»",
        "Дорожная карта сохранена: новых пунктов 7",
        "📌 Через 7 дней срок по дорожной карте",
        "предлагает встречу: встреча-знакомство",
        "📎 meeting.ics",
        "✅ Встреча отмечена: встреча-знакомство",
        "Что стоит изменить на следующих встречах?",
        "«Наставничество 2026/27» сейчас",
        "Встречи: на этой неделе 1, на прошлой 0",
        "Полезность встреч: 8.0 (прошлая неделя —)",
        "report_1.xlsx",
        "the curator taps «📊 Панель»: Telegram opens http://127.0.0.1:",
        "Сводка: наставников 1, наставляемых 1, пар в работе 1, встреч на этой неделе 1",
        "without Telegram's signature the same call gets 401",
        "Встреча наставников в четверг в 15:00, кабинет 12.",
        "arrived again, as after a restart or a webhook retry: handled once, no second reply",
        "Пожалуйста, пройдите короткую входную самооценку",
        "«Наставничество 2026/27» для вашей пары завершена",
        "Ответили на итоговый опрос: 2 из 2 (100%)",
        "📋 Итоговая оценка программы: ответили 2 из 2",
        "📋 Рефлексия: ответили 1 из 2",
        "Рефлексия: напоминание отправлено 1 участнику",
        "Напоминание: рефлексия по программе «Наставничество 2026/27» ещё не написана.",
        "Доклад Кирилла о солнечных батареях",
        "заполните анкету куратора об условиях",
        "В базе практик: 1.",
        "letters_1.zip",
        "Ваше благодарственное письмо — в файле.",
        "Создана программа «Наставничество 2027/28»",
        "вы написали, что хотите стать наставником",
        "stage 1: usefulness 8.5/10, completion 67%",
        "letters of appreciation: 01_Смирнова_Анна_Петровна.pdf",
    ):
        assert expected in transcript, expected
