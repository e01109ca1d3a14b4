"""`mentorbot demo`: the whole bot against a Telegram emulated on this machine, with scripted
people, printing the dialogue. No token and no internet needed."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path

from bot.config import load_settings
from bot.emulator import BotAPIEmulator, BotMessage, SimUser
from bot.emulator.live import LiveBot, live_bot
from bot.emulator.seed import seed_programme
from bot.emulator.survey_player import answer_survey

WIDTH = 100


class Narrator:
    """Prints what each person does and every message the bot sends or edits in reply."""

    def __init__(self, live: LiveBot, out=print) -> None:
        self.live = live
        self.out = out
        self.seen: dict[tuple[int, int], str] = {}

    def scene(self, title: str) -> None:
        self.out("")
        self.out(f"━━ {title} " + "━" * max(0, WIDTH - len(title) - 4))

    def note(self, text: str) -> None:
        self.out(f"   ({text})")

    def _render(self, message: BotMessage, edited: bool, same_text: bool) -> None:
        mark = "✏️ " if edited else ""
        if edited and same_text:
            buttons = "[" + "] [".join(message.buttons) + "]" if message.buttons else "no buttons"
            self.out(f"🤖 ✏️ (buttons now: {buttons})")
            return
        body = message.text or ""
        if message.document is not None:
            body = f"📎 {message.document.filename} ({len(message.document.content)} bytes) {body}"
        if message.photo is not None:
            body = f"🖼 picture {body}"
        lines = body.splitlines() or [""]
        self.out(f"🤖 {mark}{lines[0]}")
        for line in lines[1:]:
            self.out(f"   {line}")
        if message.buttons:
            self.out("   [" + "] [".join(message.buttons) + "]")

    def flush(self, *users: SimUser) -> None:
        for user in users:
            for message in user.messages:
                key = (user.chat_id, message.message_id)
                fingerprint = f"{message.text}|{message.buttons}"
                if self.seen.get(key) == fingerprint or message.deleted:
                    continue
                edited = key in self.seen
                same_text = edited and self.seen[key].split("|")[0] == message.text
                self.seen[key] = fingerprint
                self._render(message, edited, same_text)

    async def arrives(self, user: SimUser, fragment: str, limit: float = 15.0) -> None:
        """Wait for a message the bot sends by itself (through the outbox), then show it."""
        deadline = asyncio.get_running_loop().time() + limit
        while not any(fragment in (m.text or "") for m in user.messages):
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no message with {fragment!r} for {user.first_name}")
            await asyncio.sleep(0.1)
        self.flush(user)

    async def says(self, user: SimUser, text: str) -> None:
        self.out(f"👤 {user.first_name}: {text}")
        await user.send(text)
        await self.live.settle()
        self.flush(user)

    async def presses(self, user: SimUser, button: str) -> None:
        self.out(f"👤 {user.first_name} presses [{button}]")
        await user.press(button)
        await self.live.settle()
        self.flush(user)


async def run_demo(quiet_logs: bool = True, out=print) -> int:
    if quiet_logs:
        logging.getLogger("aiogram").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="mentorbot-demo-") as workdir:
        settings = load_settings(database_url=f"sqlite+aiosqlite:///{Path(workdir) / 'demo.db'}",
                                 bot_token=None, _env_file=None)
        emulator = BotAPIEmulator(bot_username="mentorbot_demo_bot")
        await emulator.start()
        try:
            async with live_bot(settings, emulator) as live:
                await play(live, emulator, Narrator(live, out))
        finally:
            await emulator.stop()
    out("")
    out("The demo is over. Run the bot for real: BOT_TOKEN=... mentorbot run")
    return 0


async def play(live: LiveBot, emulator: BotAPIEmulator, narrator: Narrator) -> None:
    narrator.out(f"mentorbot demo: the bot runs against a Telegram emulated at {emulator.base_url}")

    narrator.scene("1. First contact and languages")
    anna = emulator.user(101, first_name="Анна", language_code="ru")
    john = emulator.user(102, first_name="John", language_code="en")
    await narrator.says(anna, "/start")
    await narrator.says(john, "/start")
    await narrator.says(john, "/language")
    await narrator.presses(john, "Русский")
    await narrator.says(john, "/language")
    await narrator.presses(john, "English")

    narrator.scene("2. A curator's programme with invitation links")
    seeded = await seed_programme(live.app, title="Наставничество 2026/27", forms=["teacher_student"])
    me = await live.bot.me()
    narrator.note("the curator created the programme «Наставничество 2026/27»; links:")
    narrator.out(f"   mentors: https://t.me/{me.username}?start={seeded.mentor_token}")
    narrator.out(f"   mentees: https://t.me/{me.username}?start={seeded.mentee_token}")

    narrator.scene("3. A mentor joins: age, consent, name, questionnaire")
    await narrator.says(anna, f"/start {seeded.mentor_token}")
    await narrator.presses(anna, "18 лет и старше")
    await narrator.presses(anna, "✅ Даю согласие")
    await narrator.says(anna, "Смирнова Анна Петровна")
    narrator.note("Анна answers the questionnaire; a wrong answer first:")
    await narrator.says(anna, "x" * 250)
    await answer_survey(anna, "mentor_profile", live,
                        texts={"position": "Учитель истории", "hours_per_month": "6",
                               "max_mentees": "2"}, says=narrator.says, presses=narrator.presses)

    narrator.scene("4. A pupil under 18: the parent consents from their own Telegram")
    misha = emulator.user(103, first_name="Миша", language_code="ru")
    parent = emulator.user(104, first_name="Елена", language_code="ru")
    await narrator.says(misha, f"/start {seeded.mentee_token}")
    await narrator.presses(misha, "14–17 лет")
    link = misha.messages[-1].text.split("start=")[-1].split()[0]
    narrator.note("Миша forwards the link to his mother")
    await narrator.says(parent, f"/start {link}")
    await narrator.presses(parent, "✅ Даю согласие за ребёнка")
    await narrator.arrives(misha, "родитель дал согласие")
    await narrator.presses(misha, "Заполнить анкету")
    await narrator.says(misha, "Иванов Михаил")
    narrator.note("the questionnaire goes as before; only the answers are shown")
    await answer_survey(misha, "mentee_profile", live)
    narrator.flush(misha)

    narrator.scene("5. Privacy: my data, and withdrawing consent")
    await narrator.says(misha, "/start")
    await narrator.says(anna, "/mydata")
    visitor = emulator.user(105, first_name="Гость", language_code="ru")
    await narrator.says(visitor, f"/start {seeded.mentee_token}")
    await narrator.presses(visitor, "18 лет и старше")
    await narrator.presses(visitor, "Не согласен(на)")
    await narrator.says(parent, "/forget")
    await narrator.presses(parent, "Да, удалить мои данные")

    narrator.scene("6. Completion: monitoring figures and letters of appreciation")
    await _completion_scene(live, narrator)


async def _completion_scene(live: LiveBot, narrator: Narrator) -> None:
    """The completion services on sample answers; the curator's buttons come with meetings."""
    from datetime import date

    from bot.services import letters, monitoring

    form = "teacher_student"
    records = [
        monitoring.AnswerSet(1, "mentor", form, "final_satisfaction_mentor",
                             {"usefulness": 9, "want_continue": "yes"}),
        monitoring.AnswerSet(2, "mentee", form, "final_satisfaction_mentee",
                             {"usefulness": 8, "want_become_mentor": "yes"}),
        monitoring.AnswerSet(2, "mentee", form, "entry_self_assessment_mentee", {"confidence": 4}),
        monitoring.AnswerSet(2, "mentee", form, "exit_self_assessment_mentee", {"confidence": 7}),
    ]
    report = monitoring.report(records, {("mentor", form): 1, ("mentee", form): 2})
    usefulness = report.stage1.average("usefulness")
    confidence = report.stage2.question("mentee", "confidence")
    narrator.note(f"stage 1: usefulness {usefulness.mean:.1f}/10, "
                  f"completion {report.stage1.completion().rate:.0%}; "
                  f"stage 2: mentee confidence {confidence.entry_mean:.0f} → "
                  f"{confidence.exit_mean:.0f}; future mentors {report.future_mentors.rate:.0%}")
    batch = letters.render_all([letters.Letter(
        organisation="МБОУ СОШ № 1", full_name="Смирнова Анна Петровна",
        programme="Наставничество 2026/27", starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31),
        curator_name="Кураторова Елена", issued_on=date(2027, 6, 1))], live.app.translator)
    archive = letters.letters_archive(batch)
    narrator.note(f"letters of appreciation: {batch[0].filename}, {len(archive) // 1024} KB ZIP")
