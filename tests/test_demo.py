"""`mentorbot demo` plays its scenes against the emulator and prints the dialogue."""

from bot.demo import run_demo


async def test_demo_runs_every_scene_and_shows_the_dialogue():
    lines: list[str] = []
    assert await run_demo(out=lines.append) == 0
    transcript = "\n".join(lines)
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
        "Встреча наставников в четверг в 15:00, кабинет 12.",
        "arrived again, as after a restart or a webhook retry: handled once, no second reply",
        "Пожалуйста, пройдите короткую входную самооценку",
        "«Наставничество 2026/27» для вашей пары завершена",
        "stage 1: usefulness 8.5/10, completion 67%",
        "letters of appreciation: 01_Смирнова_Анна_Петровна.pdf",
    ):
        assert expected in transcript, expected
