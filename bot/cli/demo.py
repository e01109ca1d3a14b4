"""`mentorbot demo`: the whole bot against a Telegram emulated on this machine, with scripted
people, printing the dialogue. No token and no internet needed."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl

import aiohttp

from bot.cli.demo_region import OWNER, region_scene
from bot.config import load_settings
from bot.emulator import BotAPIEmulator, BotMessage, SimUser
from bot.emulator.live import LiveBot, live_bot
from bot.emulator.live_webhook import free_port
from bot.emulator.seed import seed_programme
from bot.emulator.survey_player import answer_survey
from bot.package_data import package_dir
from bot.services.people import users
from bot.services.programmes import programmes
from handlers.shared.consent import create_programme

WIDTH = 100


def last_message(user: SimUser) -> BotMessage:
    """The person's last message from the bot: the script goes on from one."""
    message = user.last_message
    if message is None:
        raise RuntimeError(f"demo: the bot has sent chat {user.chat_id} nothing")
    return message


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


def run_command(prog: str) -> str:
    """The command that runs the bot for real, as the person starts it."""
    return "BOT_TOKEN=... scripts/run" if prog == "scripts/run" else f"BOT_TOKEN=... {prog} run"


async def run_demo(quiet_logs: bool = True, out=print, prog: str = "mentorbot") -> int:
    if quiet_logs:
        logging.getLogger("aiogram").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="mentorbot-demo-") as workdir:
        port = free_port()  # the curator's dashboard, served beside polling as in production
        settings = load_settings(database_url=f"sqlite+aiosqlite:///{Path(workdir) / 'demo.db'}",
                                 bot_token=None, admin_ids=str(OWNER), _env_file=None,
                                 dashboard_url=f"http://127.0.0.1:{port}/dashboard/",
                                 dashboard_port=port)
        emulator = BotAPIEmulator(bot_username="mentorbot_demo_bot")
        await emulator.start()
        try:
            async with live_bot(settings, emulator) as live:
                await play(live, emulator, Narrator(live, out))
        finally:
            await emulator.stop()
    out("")
    out(f"The demo is over. Run the bot for real: {run_command(prog)}")
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
    link = (misha.messages[-1].text or "").split("start=")[-1].split()[0]
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

    narrator.scene("6. Matching: the curator forms pairs; the pair starts its plan")
    curator = emulator.user(106, first_name="Ольга", language_code="ru")
    async with live.app.sessionmaker() as session:
        account = await users.get_or_create(session, curator.id)
        await programmes.add_curator(session, seeded.organisation_id, account.id, "Куратор")
        await session.commit()
    kirill = emulator.user(107, first_name="Кирилл", language_code="ru")
    await kirill.send(f"/start {seeded.mentee_token}")
    await live.settle()
    await kirill.press("18 лет и старше")
    await live.settle()
    await kirill.press("✅ Даю согласие")
    await live.settle()
    await kirill.send("Кузнецов Кирилл")
    await answer_survey(kirill, "mentee_profile", live)
    for message in kirill.messages:  # joined off-screen: not narrated
        narrator.seen[(kirill.chat_id, message.message_id)] = f"{message.text}|{message.buttons}"
    anna.mark_read()
    kirill.mark_read()
    narrator.note("a new mentee, Кирилл (18+), joined and answered the questionnaire off-screen")
    narrator.note("Ольга curates the programme; the engine proposes pairs with reasons")
    await narrator.says(curator, "/match")
    await narrator.presses(curator, "✅ Утвердить все пары")
    await narrator.presses(curator, "Да, подтверждаю")
    narrator.note("the programme is still in preparation (forming the banks of mentors and "
                  "mentees is what it is for): the answer offers to start it")
    narrator.note("the introductions and the entry self-assessment go out through the outbox")
    for person in (anna, kirill):
        await person.wait_messages(2, timeout=20)
    narrator.flush(anna, kirill)
    for person, role in ((kirill, "mentee"), (anna, "mentor")):
        await narrator.presses(person, "📝 Пройти входную самооценку")
        await answer_survey(person, f"entry_self_assessment_{role}", live,
                            says=narrator.says, presses=narrator.presses)
    await narrator.says(anna, "/plan")
    await narrator.presses(anna, "➕ Добавить цель")
    await narrator.says(anna, "Подготовить проект к школьной конференции")
    await narrator.says(anna, "15.12.2026")

    await channel_scene(live, emulator, narrator)
    await meetings_scene(live, emulator, narrator)
    await curator_scene(live, emulator, narrator)
    await roadmap_scene(live, emulator, narrator)
    await duplicate_scene(live, emulator, narrator)
    narrator.scene("11. Completion: monitoring figures, good practices, letters of appreciation")
    await _complete_pair_scene(live, emulator, narrator)
    await _completion_scene(live, narrator)
    await region_scene(live, emulator, narrator)


DEMO_ROADMAP = package_dir("bot.cli.demo_data", "roadmap.tsv")


async def roadmap_scene(live: LiveBot, emulator: BotAPIEmulator, narrator: Narrator) -> None:
    from datetime import UTC, date, datetime

    from bot.clock import ManualClock
    from bot.services.people import users
    from bot.services.programmes import programmes
    from scheduler.jobs import JobContext
    from scheduler.roadmap_job import roadmap_reminders

    narrator.scene("9. The roadmap: import the school's own document, reminders")
    seed = DEMO_ROADMAP  # a short roadmap in the usual layout of a school's document
    curator = emulator.user(108, first_name="Мария", language_code="ru")
    async with live.app.sessionmaker() as session, session.begin():
        org = await programmes.create_organisation(session, "МБОУ МУК № 4 г. Кирова", "school",
                                                   "Europe/Moscow")
        user = await users.get_or_create(session, curator.id)
        await programmes.add_curator(session, org.id, user.id, "Светличная Мария Ивановна")
        await create_programme(
            session, live.app.translator, organisation_id=org.id, title="Учитель – учитель",
            starts_on=date(2022, 8, 1), ends_on=date(2023, 6, 30), forms=["teacher_teacher"])
    await narrator.says(curator, "/roadmap")
    await narrator.presses(curator, "📥 Загрузить дорожную карту")
    narrator.out(f"👤 {curator.first_name} sends 📎 {seed.name}")
    await curator.send_document(filename=seed.name, content=seed.read_bytes())
    await live.settle()
    narrator.flush(curator)
    await narrator.presses(curator, "✅ Сохранить")
    narrator.note("the clock moves to 23.09.2022, 09:30 Moscow; the hourly job runs")
    curator.mark_read()
    clock = ManualClock(datetime(2022, 9, 23, 6, 30, tzinfo=UTC))
    scheduler = live.app.dispatcher["scheduler"]
    await roadmap_reminders(JobContext(live.app.settings, live.app.sessionmaker,
                                       live.app.translator, clock, live.bot, scheduler.wake))
    first = (await curator.wait_messages(1, timeout=10))[0]
    narrator.seen.update({(curator.chat_id, m.message_id): f"{m.text}|{m.buttons}"
                          for m in curator.messages})
    narrator._render(first, edited=False, same_text=False)


async def _outbox(live: LiveBot, narrator: Narrator, *users: SimUser, n: int = 1) -> None:
    """Messages the bot sends by itself arrive through the outbox a moment later."""
    for user in users:
        await user.wait_messages(n, timeout=15)
        user.mark_read()
    await live.settle()
    narrator.flush(*users)


async def channel_scene(live: LiveBot, emulator: BotAPIEmulator, narrator: Narrator) -> None:
    narrator.scene("6½. The pair's own channel: they write to each other through the bot")
    kirill = emulator.user(107, first_name="Кирилл", language_code="ru")
    anna = emulator.user(101, first_name="Анна", language_code="ru")
    anna.mark_read()
    kirill.mark_read()
    narrator.note("the introduction set the buttons at the bottom of the screen; no phone "
                  "numbers or usernames are exchanged")
    await narrator.says(kirill, "✉️ Написать наставнику")
    await narrator.says(kirill, "Анна Петровна, здравствуйте! Когда удобно встретиться?")
    kirill.mark_read()
    await _outbox(live, narrator, anna)
    await narrator.presses(anna, "↩️ Ответить")
    await narrator.says(anna, "Здравствуй, Кирилл! Давай в среду после уроков, кабинет 12.")
    anna.mark_read()
    await _outbox(live, narrator, kirill)
    narrator.note("the curator sees only how many messages a pair exchanged, never what")


async def meetings_scene(live: LiveBot, emulator: BotAPIEmulator, narrator: Narrator) -> None:
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from bot.clock import ManualClock
    from handlers.meetings.views import day_label

    narrator.scene("7. The pair plans a meeting, meets, logs it in three taps, gives feedback")
    scheduler = live.app.dispatcher["scheduler"]
    clock = ManualClock()
    scheduler.clock = scheduler.sender.clock = clock  # so the demo can skip to after the meeting
    # The pair the curator formed in scene 6: Анна (mentor) and Кирилл (mentee).
    kirill = emulator.user(107, first_name="Кирилл", language_code="ru")
    anna = emulator.user(101, first_name="Анна", language_code="ru")
    anna.mark_read()
    kirill.mark_read()
    await narrator.says(anna, "/start")
    await narrator.says(anna, "/meet")
    kind = next(b for b in last_message(anna).buttons if b.startswith("✓ "))
    await narrator.presses(anna, kind)
    day = (clock.now() + timedelta(days=2)).date()
    await narrator.presses(anna, day_label(day, "ru"))
    await narrator.presses(anna, "16:00")
    await narrator.presses(anna, "🏫 Очно")
    anna.mark_read()
    kirill.mark_read()
    await narrator.says(anna, "Кабинет 12, после уроков")
    anna.mark_read()
    await _outbox(live, narrator, kirill)
    await narrator.presses(kirill, "✅ Подтвердить")
    kirill.mark_read()
    await _outbox(live, narrator, anna, kirill)
    narrator.note("two days later, after the meeting")
    clock.set(datetime.combine(day, time(18, 0), ZoneInfo("Europe/Moscow")))
    await narrator.says(anna, "📝 Отметить встречу")
    await narrator.presses(anna, "Да, состоялась")
    await narrator.presses(anna, "60 мин")
    anna.mark_read()
    kirill.mark_read()
    await narrator.presses(anna, "✅ Готово")
    anna.mark_read()
    await _outbox(live, narrator, kirill)
    await narrator.presses(kirill, "Оценить встречу")
    await answer_survey(kirill, "meeting_feedback", live, texts={"what_to_change": "Больше практики"},
                        says=narrator.says, presses=narrator.presses)


async def curator_scene(live: LiveBot, emulator: BotAPIEmulator, narrator: Narrator) -> None:
    narrator.scene("8. The curator: /status, the /report workbook, an announcement to mentors")
    curator = emulator.user(106, first_name="Ольга", language_code="ru")  # curator since scene 6
    anna = emulator.user(101, first_name="Анна", language_code="ru")
    curator.mark_read()
    await narrator.says(curator, "/status")
    await narrator.says(curator, "/report")
    await dashboard_scene(curator, narrator)
    await narrator.says(curator, "/announce")
    await narrator.presses(curator, "Всем наставникам")
    await narrator.says(curator, "Встреча наставников в четверг в 15:00, кабинет 12.")
    await narrator.presses(curator, "Отправить")
    await narrator.arrives(anna, "Встреча наставников в четверг")


async def dashboard_scene(curator: SimUser, narrator: Narrator) -> None:
    """The curator opens «📊 Панель»: Telegram loads the page with initData signed by the bot's
    token; here each view is asked for as the page asks (the same HTTP calls)."""
    await narrator.says(curator, "/dashboard")
    url = curator.open_web_app("📊 Панель")
    page = url.split("#", 1)[0]
    narrator.note(f"the curator taps «📊 Панель»: Telegram opens {page} inside the chat, "
                  "with the curator's initData signed by the bot's token")
    init_data = dict(parse_qsl(url.split("#", 1)[1]))["tgWebAppData"]
    api = page.split("?", 1)[0] + "api/"
    headers = {"Authorization": f"tma {init_data}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        async def get(path: str) -> dict:
            async with http.get(api + path) as response:
                response.raise_for_status()
                return await response.json()
        session = await get("session")
        programme = session["programmes"][0]["id"]
        base = f"programmes/{programme}/"
        o = await get(base + "overview")
        narrator.note(f"Сводка: наставников {o['active']['mentor']}, наставляемых "
                      f"{o['active']['mentee']}, пар в работе {o['open_pairs']}, встреч на этой "
                      f"неделе {o['meetings_this_week']} — as /status says")
        r = await get(base + "registry")
        narrator.note(f"Реестр: {r['total']} participants; Пары: "
                      f"{(await get(base + 'board'))['total']} on the board; Встречи: "
                      f"{(await get(base + 'calendar'))['counts']['total']} this week; "
                      f"Мониторинг: feedback "
                      f"{(m := await get(base + 'monitoring'))['feedback_completed']} of "
                      f"{m['feedback_expected']}; Дорожная карта: "
                      f"{len((await get(base + 'roadmap'))['items'])} items")
        async with aiohttp.ClientSession() as stranger:
            async with stranger.get(api + base + "overview") as refused:
                narrator.note(f"without Telegram's signature the same call gets {refused.status}")


async def duplicate_scene(live: LiveBot, emulator: BotAPIEmulator, narrator: Narrator) -> None:
    john = emulator.user(102, first_name="John", language_code="en")
    narrator.scene("10. Telegram delivers an update twice: it is handled once")
    await narrator.says(john, "/timezone")
    await narrator.says(john, "Asia/Omsk")
    repeated = emulator.state.queue.accepted_ids[-1]
    replies = len(john.messages)
    await redeliver(live, emulator, repeated)
    narrator.note(f"update {repeated} (\"Asia/Omsk\") arrived again, as after a restart or a "
                  f"webhook retry: {'handled once, no second reply' if len(john.messages) == replies else 'ANSWERED TWICE'}")


async def redeliver(live: LiveBot, emulator: BotAPIEmulator, update_id: int) -> None:
    """Feeds an update the bot already handled through the same Dispatcher again, once its
    first handling is over: committed, replies sent and its journal row gone. (Until then the
    row says its replies may not have gone out, and a repeat sends them again: what a crash
    at that moment does.)"""
    from aiogram.types import Update

    await live.journal_cleared()
    raw = emulator.state.delivered_update(update_id)
    await live.app.dispatcher.feed_update(live.bot, Update.model_validate(raw, context={
        "bot": live.bot}))
    await live.settle()


async def _complete_pair_scene(live: LiveBot, emulator: BotAPIEmulator, narrator: Narrator
                               ) -> None:
    """The curator completes Анна and Кирилл's pair from its card; both get the final surveys."""
    curator = emulator.user(106, first_name="Ольга", language_code="ru")
    kirill = emulator.user(107, first_name="Кирилл", language_code="ru")
    anna = emulator.user(101, first_name="Анна", language_code="ru")
    for person in (curator, kirill, anna):
        person.mark_read()
    await narrator.says(curator, "/pairs")
    line = next(b for b in last_message(curator).buttons if "Кузнецов Кирилл" in b)
    await narrator.presses(curator, line)
    narrator.note("what cannot be undone asks first, saying what will happen; «cancel» changes "
                  "nothing, «yes» acts once however often it is tapped")
    await narrator.presses(curator, "🏁 Завершить")
    await narrator.presses(curator, "✖️ Отмена")
    await narrator.presses(curator, "🏁 Завершить")
    await narrator.presses(curator, "🏁 Да, завершить пару")
    narrator.note("the final satisfaction survey, the exit self-assessment and the reflection "
                  "go out through the outbox")
    await _outbox(live, narrator, kirill, anna, n=3)
    await narrator.presses(kirill, "📝 Оценить программу")
    await answer_survey(kirill, "final_satisfaction_mentee", live,
                        texts={"most_valuable": "Проект к конференции",
                               "to_improve": "Чаще встречаться"},
                        says=narrator.says, presses=narrator.presses)
    await narrator.presses(kirill, "📝 Написать рефлексию")
    await answer_survey(kirill, "reflection", live,
                        texts={"what_changed": "Перестал бояться выступать",
                               "main_achievement": "Доклад Кирилла о солнечных батареях занял "
                                                   "второе место на городской конференции"},
                        says=narrator.says, presses=narrator.presses)
    await narrator.presses(anna, "📝 Оценить программу")
    await answer_survey(anna, "final_satisfaction_mentor", live,
                        texts={"most_valuable": "Увидеть рост Кирилла",
                               "to_improve": "Больше времени на встречи"},
                        says=narrator.says, presses=narrator.presses)
    narrator.note("/status counts who answered each survey; the curator reminds the others "
                  "(once a day per person)")
    curator.mark_read()
    await narrator.says(curator, "/status")
    anna.mark_read()
    await narrator.presses(curator, "🔔 Напомнить не ответившим: Рефлексия")
    await _outbox(live, narrator, anna)
    narrator.note("the curator sees the monitoring chart, completes the programme, sends letters "
                  "and starts the next cycle")
    await narrator.says(curator, "/monitoring")
    await narrator.says(curator, "/programmes")
    await narrator.presses(curator, "Наставничество 2026/27")
    await narrator.presses(curator, "▶️ Запустить программу")
    narrator.note("the weekly digest comes on its day; the curator looks at it now (no curators' "
                  "chat is bound, so it comes to her privately, with how to bind one)")
    await narrator.presses(curator, "📨 Показать дайджест сейчас")
    await live.outbox_sent()
    curator.mark_read()
    narrator.flush(curator)
    await narrator.presses(curator, "🏁 Завершить программу")
    await narrator.presses(curator, "🏁 Да, завершить программу")
    narrator.note("the curator gets the questionnaire about the programme's conditions and marks "
                  "Кирилл's story for the base of good practices (a sheet of /report)")
    await _outbox(live, narrator, curator)
    await narrator.presses(curator, "📋 Анкета об условиях")
    await answer_survey(curator, "curator_conditions", live,
                        texts={"main_difficulties": "Мало часов у наставников",
                               "proposals": "Учесть наставничество в нагрузке"},
                        says=narrator.says, presses=narrator.presses)
    await narrator.says(curator, "/practices")
    await narrator.presses(curator, "★ В базу практик · 1")
    await narrator.presses(curator, "🏅 Благодарственные письма")
    await narrator.presses(curator, "📨 Отправить 1 письмо")
    await _outbox(live, narrator, anna)
    await narrator.presses(curator, "🔁 Новый цикл")
    await narrator.says(curator, "Наставничество 2027/28")
    await narrator.says(curator, "01.09.2027")
    await narrator.says(curator, "31.05.2028")
    narrator.note("Анна wants to continue, Кирилл wants to become a mentor: personal links")
    await _outbox(live, narrator, anna, kirill)


async def _completion_scene(live: LiveBot, narrator: Narrator) -> None:
    """The monitoring figures on sample answers, including a stage 2 entry/exit comparison."""
    from datetime import date

    from bot.delivery import letters_pdf as letters
    from bot.services.reports import monitoring

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
    completion = report.stage1.completion()
    if usefulness is None or confidence is None or completion is None:
        raise RuntimeError("demo: the monitoring report lacks the figures of its sample answers")
    narrator.note(f"stage 1: usefulness {usefulness.mean:.1f}/10, "
                  f"completion {completion.rate:.0%}; "
                  f"stage 2: mentee confidence {confidence.entry_mean:.0f} → "
                  f"{confidence.exit_mean:.0f}; future mentors {report.future_mentors.rate:.0%}")
    batch = letters.render_all([letters.Letter(
        organisation="МБОУ СОШ № 1", full_name="Смирнова Анна Петровна",
        programme="Наставничество 2026/27", starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31),
        curator_name="Кураторова Елена", issued_on=date(2027, 6, 1))], live.app.translator)
    archive = letters.letters_archive(batch)
    narrator.note(f"letters of appreciation: {batch[0].filename}, {len(archive) // 1024} KB ZIP")
