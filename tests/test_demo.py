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
        "stage 1: usefulness 8.5/10, completion 67%",
        "letters of appreciation: 01_Смирнова_Анна_Петровна.pdf",
    ):
        assert expected in transcript, expected
