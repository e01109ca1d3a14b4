"""Issue 11, roles and tenants: every command and every button against every role.

The commands come from the bot itself (the role menus in bot/telegram/commands.py and every Command
filter of the Dispatcher's message handlers), the buttons from the CallbackData factories in
bot/callbacks*.py, each forged with the ids of programme A's objects. The table says who may;
the test fails when a command or a button is missing from it. Allowed cells answer without a
refusal or an error; refused ones get the one refusal text of their kind, show nothing of
another programme, change nothing in the database and are logged (without names).

One seeded world (SQLite), the Dispatcher fed directly with a recording bot; after an allowed
cell the database file is put back, so every cell starts from the same world."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import count
from pathlib import Path

import pytest
from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import Update

from bot.config import load_settings
from bot.emulator.seed import seed_pair, seed_programme
from bot.i18n import create_translator
from bot.runtime.factory import create_application
from bot.services.matching import flow as match_flow
from bot.services.meetings import meetings
from bot.services.people import users
from bot.services.programmes import programmes
from bot.services.region import access as region_access
from bot.telegram import commands as menus
from models import Participation, ParticipationState, RegionCoordinator, RoadmapItem
from tests.bot_surface import callback_factories
from tests.conftest import migrated
from tests.db_snapshot import snapshot
from tests.recording_bot import create_recording_bot

ROLES = ("none", "mentee", "guardian", "mentor", "other_curator", "curator", "owner",
         "coordinator")
TG = {"none": 7700, "mentee": 7701, "guardian": 7702, "mentor": 7703, "other_curator": 7704,
      "curator": 7705, "owner": 7706, "mentor_b": 7707, "coordinator": 7708}
# Names from PERSONAL_MARKERS (tests/conftest.py), so the whole-run log scan looks for them.
NAMES = {"mentor": "Петров Борис", "mentee": "Иванов Миша", "minor": "Петров Пётр",
         "curator": "Кураторова", "mentor_b": "Секретная Персона"}
A_PRIVATE = ("Петров Борис", "Иванов Миша", "Петров Пётр", "Программа Альфа", "Школа Альфа")
B_PRIVATE = ("Секретная Персона", "Программа Бета", "Школа Бета")
PEOPLE = ("Петров Борис", "Иванов Миша", "Петров Пётр", "Секретная Персона")
NOT_SHOWN = {"none": A_PRIVATE + B_PRIVATE, "mentee": B_PRIVATE, "guardian": B_PRIVATE,
             "mentor": B_PRIVATE, "curator": B_PRIVATE, "other_curator": A_PRIVATE,
             "owner": PEOPLE,
             # a region of organisation A: its figures and curator, never a participant
             "coordinator": PEOPLE + ("Программа Альфа",) + B_PRIVATE}

ALL = set(ROLES)
CURATORS = {"curator", "other_curator"}
PARTICIPANT_COMMANDS = ALL  # they answer about one's own pairs: none is a fine answer

# Refusal kinds: the translation key every refused cell of that kind answers with.
CURATOR_ONLY = "access.curator_only"
OWNER_ONLY = "access.owner_only"
DENIED = "access.denied"
STALE = "access.stale"
COORDINATOR_ONLY = "access.coordinator_only"
INVITE = "invite.invalid"  # a dead invitation: the same answer as /start with a bad link

# command -> (roles allowed, refusal kind for the others)
COMMANDS: dict[str, tuple[set[str], str | None]] = {
    "start": (ALL, None), "help": (ALL, None), "language": (ALL, None),
    "timezone": (ALL, None), "cancel": (ALL, None), "mydata": (ALL, None),
    "forget": (ALL, None), "bind": (ALL, None),  # in a private chat: how to bind a group
    "meet": (PARTICIPANT_COMMANDS, None), "meeting": (PARTICIPANT_COMMANDS, None),
    "plan": (PARTICIPANT_COMMANDS, None), "help_me": (PARTICIPANT_COMMANDS, None),
    "write": (PARTICIPANT_COMMANDS, None),
    "materials": (PARTICIPANT_COMMANDS, None), "roadmap": (ALL, None),
    "status": (CURATORS, CURATOR_ONLY), "programmes": (CURATORS, CURATOR_ONLY),
    "participants": (CURATORS, CURATOR_ONLY), "match": (CURATORS, CURATOR_ONLY),
    "pairs": (CURATORS, CURATOR_ONLY), "report": (CURATORS, CURATOR_ONLY),
    "monitoring": (CURATORS, CURATOR_ONLY), "announce": (CURATORS, CURATOR_ONLY),
    "practices": (CURATORS, CURATOR_ONLY), "newprogramme": (CURATORS, CURATOR_ONLY),
    "dashboard": (CURATORS, CURATOR_ONLY),
    "neworg": ({"owner"}, OWNER_ONLY), "orgs": ({"owner"}, OWNER_ONLY),
    "newregion": ({"owner"}, OWNER_ONLY), "regions": ({"owner"}, OWNER_ONLY),
    # the coordinator of organisation A's region; its curator is refused too
    "region": ({"coordinator"}, COORDINATOR_ONLY),
}

# What an allowed command shows, per role ("*": everyone else allowed): a fragment of the reply.
NO_PAIR = "нет наставнической пары"
A, B = "Программа Альфа", "Программа Бета"
SCREENS: dict[str, dict[str, str]] = {
    "start": {"mentee": "Ваши программы", "mentor": "Ваши программы", "*": "Здравствуйте!"},
    "help": {"*": "Что я умею"}, "language": {"*": "Выберите язык:"},
    "timezone": {"*": "часовой пояс"}, "cancel": {"*": "нечего отменять"},
    "mydata": {"*": "Всё, что бот хранит"}, "forget": {"*": "Отозвать согласие"},
    "bind": {"*": "/bind там"},
    "meet": {"mentor": "Какая это встреча?", "mentee": "Какая это встреча?", "*": NO_PAIR},
    "meeting": {"mentor": "Встреча с Иванов Миша", "mentee": "Встречи отмечает наставник",
                "*": NO_PAIR},
    "plan": {"mentor": "Индивидуальный план", "mentee": "Индивидуальный план", "*": NO_PAIR},
    "help_me": {"mentee": "не выходит на связь", "*": "для наставляемых, у которых есть"},
    "write": {"mentor": "Напишите сообщение для наставляемого (Иванов Миша)",
              "mentee": "Напишите сообщение для наставника", "*": "Писать пока некому"},
    "materials": {"mentor": f"«{A}»", "*": "Материалы получают наставники"},
    "roadmap": {"curator": f"Дорожная карта «{A}»", "other_curator": f"Дорожная карта «{B}»",
                "*": "нет пунктов дорожной карты"},
    "pairs": {"curator": "Петров Борис ↔ Иванов Миша", "other_curator": "Пар пока нет"},
    "newprogramme": {"curator": "«Школа Альфа»", "other_curator": "«Школа Бета»"},
    "neworg": {"owner": "Как называется образовательная организация?"},
    "orgs": {"owner": "Организации"},
    # no DASHBOARD_URL in this world (the buttons are tested in tests/dashboard)
    "dashboard": {"curator": "Панель куратора не настроена",
                  "other_curator": "Панель куратора не настроена"},
    "newregion": {"owner": "Название региона"}, "regions": {"owner": "Область Альфа"},
    "region": {"coordinator": "1. <b>Школа Альфа</b>"},
    **{command: {"curator": A, "other_curator": B}
       for command in ("status", "programmes", "participants", "match", "report", "monitoring",
                       "announce", "practices")},
}


@dataclass
class World:
    programme: int
    organisation: int
    pair: int
    mentor: int  # participation ids
    mentee: int
    minor: int
    proposed: int  # a proposed meeting of the pair
    logged: int  # a logged one
    draft: int  # the curator's match draft
    item: int  # a roadmap item of programme A
    region: int  # a region that programme A's organisation reports to


# factory -> (forged instance, roles allowed, refusal kind for the others)
def button_table(w: World) -> dict[type, tuple[Callable[[], CallbackData], set[str], str]]:
    from bot.callbacks import channel as ch
    from bot.callbacks import curator as cc
    from bot.callbacks import digest as cd
    from bot.callbacks import lifecycle as cl
    from bot.callbacks import matching as cm
    from bot.callbacks import meetings as me
    from bot.callbacks import onboarding as c
    from bot.callbacks import region as rg
    from bot.callbacks import roadmap as cr

    mine = {"mentor", "mentee"}
    return {
        # one's own settings and data: anyone (a kept «erase» button still is a confirmation)
        c.ForgetCallback: (lambda: c.ForgetCallback(confirm=True), ALL, DENIED),
        c.LanguageCallback: (lambda: c.LanguageCallback(code="en"), ALL, DENIED),
        c.TimezoneCallback: (lambda: c.TimezoneCallback(zone="Asia/Yekaterinburg"), ALL, DENIED),
        # steps of a conversation, pressed when nobody is at that step: stale for everyone
        c.AgeGroupCallback: (lambda: c.AgeGroupCallback(group="18_plus"), set(), STALE),
        c.ConsentCallback: (lambda: c.ConsentCallback(accept=True), set(), STALE),
        c.ReconsiderCallback: (lambda: c.ReconsiderCallback(token="x" * 24), set(), INVITE),
        c.GuardianCallback: (lambda: c.GuardianCallback(accept=True), set(), STALE),

        cc.OrgKindCallback: (lambda: cc.OrgKindCallback(kind="school"), set(), STALE),
        cc.OrgZoneCallback: (lambda: cc.OrgZoneCallback(index=0), set(), STALE),
        cc.OrgGenitiveCallback: (lambda: cc.OrgGenitiveCallback(), set(), STALE),
        cc.NewProgrammeOrgCallback: (lambda: cc.NewProgrammeOrgCallback(
            organisation_id=w.organisation), set(), STALE),
        cc.FormPickCallback: (lambda: cc.FormPickCallback(index=0), set(), STALE),
        cc.CadenceCallback: (lambda: cc.CadenceCallback(days=14), set(), STALE),
        me.PlanKindCallback: (lambda: me.PlanKindCallback(kind="intro"), set(), STALE),
        me.PlanDayCallback: (lambda: me.PlanDayCallback(day="20261201"), set(), STALE),
        me.PlanPageCallback: (lambda: me.PlanPageCallback(page=1), set(), STALE),
        me.PlanTimeCallback: (lambda: me.PlanTimeCallback(hm="1030"), set(), STALE),
        me.PlanFormatCallback: (lambda: me.PlanFormatCallback(fmt="online"), set(), STALE),
        # a participant's own objects
        c.StartProfileCallback: (lambda: c.StartProfileCallback(participation_id=w.mentor),
                                 {"mentor"}, DENIED),
        c.FormChoiceCallback: (lambda: c.FormChoiceCallback(participation_id=w.mentor, index=0),
                               {"mentor"}, DENIED),
        c.SurveyCallback: (lambda: c.SurveyCallback(response_id=1, question="role",
                                                    action="o", index=0), set(), DENIED),
        # the owner
        cc.OrgLinkCallback: (lambda: cc.OrgLinkCallback(organisation_id=w.organisation),
                             {"owner"}, DENIED),
        # the curator of programme A
        cc.ProgrammeCallback: (lambda: cc.ProgrammeCallback(action="card",
                                                            programme_id=w.programme),
                               {"curator"}, DENIED),
        cc.LinkCallback: (lambda: cc.LinkCallback(action="show", programme_id=w.programme,
                                                  role="mentor"), {"curator"}, DENIED),
        cc.RegistryCallback: (lambda: cc.RegistryCallback(programme_id=w.programme,
                                                          role="mentor"), {"curator"}, DENIED),
        cc.ParticipantCallback: (lambda: cc.ParticipantCallback(participation_id=w.mentor),
                                 {"curator"}, DENIED),
        cc.ExportCallback: (lambda: cc.ExportCallback(programme_id=w.programme),
                            {"curator"}, DENIED),
        # in a private chat nobody binds: it is done in the curators' group
        cc.BindCallback: (lambda: cc.BindCallback(programme_id=w.programme), set(), DENIED),
        cc.MaterialCallback: (lambda: cc.MaterialCallback(action="add",
                                                          programme_id=w.programme),
                              {"curator"}, DENIED),
        cd.DigestCallback: (lambda: cd.DigestCallback(action="day", programme_id=w.programme),
                            {"curator"}, DENIED),
        cd.StatusCallback: (lambda: cd.StatusCallback(programme_id=w.programme),
                            {"curator"}, DENIED),
        cd.ReportCallback: (lambda: cd.ReportCallback(programme_id=w.programme),
                            {"curator"}, DENIED),
        cd.AnnounceCallback: (lambda: cd.AnnounceCallback(action="pick",
                                                          programme_id=w.programme),
                              {"curator"}, DENIED),
        cd.NudgeCallback: (lambda: cd.NudgeCallback(pair_id=w.pair), {"curator"}, DENIED),
        cd.PairListCallback: (lambda: cd.PairListCallback(programme_id=w.programme),
                              {"curator"}, DENIED),
        cd.SurveyRemindCallback: (lambda: cd.SurveyRemindCallback(programme_id=w.programme,
                                                                  kind="mid"),
                                  {"curator"}, DENIED),
        cl.PracticeCallback: (lambda: cl.PracticeCallback(action="l", programme_id=w.programme),
                              {"curator"}, DENIED),
        cl.LifecycleCardCallback: (lambda: cl.LifecycleCardCallback(
            action="mon", programme_id=w.programme), {"curator"}, DENIED),
        cl.LetterPickCallback: (lambda: cl.LetterPickCallback(
            action="t", programme_id=w.programme, participation=w.mentor), {"curator"}, DENIED),
        cm.MatchProgrammeCallback: (lambda: cm.MatchProgrammeCallback(
            programme_id=w.programme), {"curator"}, DENIED),
        cm.MatchCallback: (lambda: cm.MatchCallback(action="pg", draft_id=w.draft),
                           {"curator"}, DENIED),
        cr.RoadmapProgrammeCallback: (lambda: cr.RoadmapProgrammeCallback(
            action="menu", programme_id=w.programme), {"curator"}, DENIED),
        # no roadmap draft in this world: a forged draft id is refused to everyone
        cr.RoadmapDraftCallback: (lambda: cr.RoadmapDraftCallback(action="items", draft_id=1),
                                  set(), DENIED),
        # the pair: its members (and for its card the curator too)
        # the pair card with pause/resume/end is the curator's (pairs see /plan, /meet)
        cm.PairCallback: (lambda: cm.PairCallback(action="card", pair_id=w.pair),
                          {"curator"}, DENIED),
        cm.PlanCallback: (lambda: cm.PlanCallback(action="show", pair_id=w.pair), mine, DENIED),
        cm.PreferenceCallback: (lambda: cm.PreferenceCallback(chooser_id=w.mentee,
                                                              chosen_id=0), {"mentee"}, DENIED),
        cl.LifecycleSurveyCallback: (lambda: cl.LifecycleSurveyCallback(kind="entry",
                                                                        pair=w.pair),
                                     mine, DENIED),
        me.PlanTargetCallback: (lambda: me.PlanTargetCallback(pair=w.pair), mine, DENIED),
        me.MeetingActionCallback: (lambda: me.MeetingActionCallback(action="ok",
                                                                    meeting=w.proposed),
                                   mine, DENIED),  # the proposer is told the other side confirms
        me.LogCallback: (lambda: me.LogCallback(action="d", pair=w.pair, kind="intro", dur=60),
                         {"mentor"}, DENIED),
        me.OverdueCallback: (lambda: me.OverdueCallback(action=me.OverdueAction.ANOTHER, meeting=w.proposed),
                             {"mentor"}, DENIED),
        me.LoggedCallback: (lambda: me.LoggedCallback(action="topics", meeting=w.logged),
                            {"mentor"}, DENIED),
        me.TopicCallback: (lambda: me.TopicCallback(meeting=w.logged, index=0),
                           {"mentor"}, DENIED),
        me.FeedbackCallback: (lambda: me.FeedbackCallback(meeting=w.logged), mine, DENIED),
        me.HelpMeCallback: (lambda: me.HelpMeCallback(pair=w.pair), {"mentee"}, DENIED),
        # the pair's channel: its members write; the group is the mentor's
        ch.ChannelCallback: (lambda: ch.ChannelCallback(action="w", pair=w.pair), mine, DENIED),
        ch.ChannelReplyCallback: (lambda: ch.ChannelReplyCallback(pair=w.pair), mine, DENIED),
        cr.RoadmapItemCallback: (lambda: cr.RoadmapItemCallback(action="done", item_id=w.item),
                                 {"curator"}, DENIED),
        cr.RoadmapExtensionCallback: (lambda: cr.RoadmapExtensionCallback(
            approve=True, item_id=w.item), {"curator"}, DENIED),
        # the region programme A's organisation reports to: its figures are its coordinator's,
        # its organisations and links the owner's
        rg.RegionCallback: (lambda: rg.RegionCallback(action=rg.RegionAction.PAGE,
                                                      region=w.region), {"coordinator"}, DENIED),
        rg.RegionOwnerCallback: (lambda: rg.RegionOwnerCallback(
            action=rg.RegionOwnerAction.ORGS, region=w.region), {"owner"}, DENIED),
    }


# --- what the bot has ----------------------------------------------------------------------

def _routers(router: Router):
    yield router
    for sub in router.sub_routers:
        yield from _routers(sub)


def registered_commands(dispatcher) -> set[str]:
    found = set()
    for router in _routers(dispatcher):
        for handler in router.message.handlers:
            for flt in handler.filters or ():
                if isinstance(flt.callback, Command):
                    found.update(c for c in flt.callback.commands if isinstance(c, str))
    return found


# --- the world -----------------------------------------------------------------------------

@pytest.fixture
async def world(tmp_path: Path, monkeypatch):
    for name in ("BOT_TOKEN", "REDIS_URL", "TELEGRAM_API_BASE", "ADMIN_IDS", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    db = tmp_path / "roles.db"
    settings = load_settings(database_url=f"sqlite+aiosqlite:///{db}", redis_url=None,
                             admin_ids=str(TG["owner"]), _env_file=None)
    await migrated(settings.database_url)
    app = create_application(settings, create_translator("ru", strict=True))
    a = await seed_programme(app, organisation="Школа Альфа", title="Программа Альфа")
    b = await seed_programme(app, organisation="Школа Бета", title="Программа Бета")
    now = datetime.now(UTC)
    async with app.sessionmaker() as session, session.begin():
        ids = {role: (await users.get_or_create(session, tg)).id for role, tg in TG.items()}

        def joined(programme_id: int, role: str, user: str, name: str, **more) -> Participation:
            return Participation(programme_id=programme_id, user_id=ids[user], role=role,
                                 state=ParticipationState.READY, age_group="18_plus",
                                 form="teacher_teacher", full_name=name, consent_at=now,
                                 ready_at=now, **more)

        people = [joined(a.programme_id, "mentor", "mentor", NAMES["mentor"]),
                  joined(a.programme_id, "mentee", "mentee", NAMES["mentee"]),
                  Participation(programme_id=a.programme_id, user_id=None, role="mentee",
                                state=ParticipationState.READY, age_group="14_17",
                                form="teacher_teacher", full_name=NAMES["minor"],
                                guardian_user_id=ids["guardian"], consent_at=now, ready_at=now),
                  joined(b.programme_id, "mentor", "mentor_b", NAMES["mentor_b"])]
        session.add_all(people)
        await programmes.add_curator(session, a.organisation_id, ids["curator"],
                                     NAMES["curator"])
        await programmes.add_curator(session, b.organisation_id, ids["other_curator"],
                                     "Куратор Б")
        item = RoadmapItem(programme_id=a.programme_id, match_key="k1", title="Пункт дорожной карты",
                           deadline_text="", kind="undated")
        session.add(item)
        await session.flush()
        mentor, mentee, minor = (p.id for p in people[:3])
        item_id = item.id
    (pair,) = await seed_pair(app, mentor_participation_id=mentor,
                              mentee_participation_ids=[mentee])
    async with app.sessionmaker() as session, session.begin():
        proposed = await meetings.propose(
            session, user_id=ids["mentor"], pair_id=pair, group=False,
            kind="intro", starts_at=now + timedelta(days=3), fmt="online",
            place="https://example.org/room", now=now, default_timezone="Europe/Moscow")
        logged = await meetings.log(
            session, user_id=ids["mentor"], pair_id=pair, group=False,
            kind="intro", duration=60, day=date.today(), meeting_id=0, log_key="seed-log",
            zone="Europe/Moscow", now=now, default_timezone="Europe/Moscow")
        draft = await match_flow.open_draft(session, ids["curator"], a.programme_id)
        region = await region_access.create_region(session, "Область Альфа", "Europe/Moscow")
        await region_access.add_organisations(session, region.id, [a.organisation_id])
        session.add(RegionCoordinator(region_id=region.id, user_id=ids["coordinator"]))
        w = World(a.programme_id, a.organisation_id, pair, mentor, mentee, minor, proposed.id,
                  logged.meeting.id,
                  draft.id, item_id, region.id)
    await app.engine.dispose()
    template = tmp_path / "template.db"
    shutil.copy(db, template)

    async def restore() -> None:
        await app.engine.dispose()
        shutil.copy(template, db)

    yield app, w, restore
    await app.close()


_ids = count(1_000)


def update_for(role: str, *, command: str | None = None, data: str | None = None) -> dict:
    now = int(datetime.now(UTC).timestamp())
    tg = TG[role]
    sender = {"id": tg, "is_bot": False, "first_name": "Тест", "language_code": "ru"}
    chat = {"id": tg, "type": "private", "first_name": "Тест"}
    update_id = next(_ids)
    if data is not None:
        return {"update_id": update_id, "callback_query": {
            "id": str(update_id), "from": sender, "chat_instance": "ci", "data": data,
            "message": {"message_id": 1, "date": now, "chat": chat, "text": "old screen"}}}
    body = f"/{command}"
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": now, "chat": chat, "from": sender, "text": body,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(body)}]}}


def shown(requests) -> list[str]:
    """Every text the bot showed: messages, alerts, edits, captions, buttons."""
    out = []
    for request in requests:
        dumped = request.model_dump(exclude_none=True)
        out.append(" ".join(str(v) for v in dumped.values()))
    return out


def answers(requests) -> list[str]:
    texts = []
    for request in requests:
        if isinstance(request, SendMessage):
            texts.append(request.text)
        elif isinstance(request, AnswerCallbackQuery) and request.text:
            texts.append(request.text)
    return texts


async def run_cell(app, role: str, raw: dict, caplog) -> tuple[list, list[logging.LogRecord]]:
    recording = create_recording_bot()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        await app.dispatcher.feed_update(recording, Update.model_validate(
            raw, context={"bot": recording}))
    return recording.session.requests, list(caplog.records)


def check_cell(app, label: str, role: str, allowed: bool, kind: str | None, requests, records,
               screen: str | None = None) -> list[str]:
    t = app.translator.bind("ru")
    problems = []
    texts = answers(requests)
    everything = " ".join(shown(requests))
    crashes = [r for r in records if r.name == "mentorbot.errors" and r.levelno >= logging.ERROR]
    if crashes:
        problems.append(f"{label} as {role}: crashed ({crashes[0].getMessage()})")
    leaked = [s for s in NOT_SHOWN[role] if s in everything]
    if leaked:
        problems.append(f"{label} as {role}: shows {leaked}")
    refusals = {t(key) for key in (CURATOR_ONLY, OWNER_ONLY, COORDINATOR_ONLY, DENIED, STALE)}
    if allowed:
        if not requests:
            problems.append(f"{label} as {role}: allowed but no answer")
        if set(texts) & refusals:
            problems.append(f"{label} as {role}: allowed but refused: {texts}")
        if screen is not None and screen not in everything:
            problems.append(f"{label} as {role}: expected «{screen}», got {texts}")
    else:
        expected = t(kind)
        if texts != [expected]:
            problems.append(f"{label} as {role}: expected the {kind} refusal, got {texts}")
        refused_logs = [r for r in records if r.name == "mentorbot.errors"
                        and r.getMessage().startswith(f"access refused ({kind})")]
        if kind.startswith("access.") and not refused_logs:
            problems.append(f"{label} as {role}: the refusal is not logged")
    return problems


async def test_the_tables_cover_every_command_and_button(world):
    app, w, _ = world
    menu = set(menus.EVERYONE) | set(menus.CURATOR) | set(menus.OWNER)
    assert set(SCREENS) == set(COMMANDS)
    assert menu | registered_commands(app.dispatcher) == set(COMMANDS), (
        "commands missing from the table (or gone from the bot): "
        f"{sorted((menu | registered_commands(app.dispatcher)) ^ set(COMMANDS))}")
    table = button_table(w)
    assert callback_factories() == set(table), sorted(
        f.__name__ for f in callback_factories() ^ set(table))


def test_callback_prefixes_are_unique():
    """Two factories with one prefix: a button of one is matched by the other's filter (a
    meeting's «plan with this pair» reached the curator's matching router)."""
    prefixes = [f.__prefix__ for f in callback_factories()]
    assert len(prefixes) == len(set(prefixes)), sorted(p for p in prefixes
                                                       if prefixes.count(p) > 1)


async def _sweep(world, caplog, cells) -> list[str]:
    app, w, restore = world
    problems = []
    before = await snapshot(app)
    for label, role, raw, allowed, kind, screen in cells:
        requests, records = await run_cell(app, role, raw, caplog)
        problems += check_cell(app, label, role, allowed, kind, requests, records, screen)
        if allowed:
            await restore()
        elif (after := await snapshot(app)) != before:
            changed = sorted(k for k in before if before[k] != after[k])
            problems.append(f"{label} as {role}: refused but changed {changed}")
            await restore()
    return problems


async def test_every_command_in_every_role(world, caplog):
    cells = []
    for command, (allowed, kind) in sorted(COMMANDS.items()):
        for role in ROLES:
            screens = SCREENS[command]
            cells.append((f"/{command}", role, update_for(role, command=command),
                          role in allowed, kind,
                          screens.get(role, screens.get("*")) if role in allowed else None))
    problems = await _sweep(world, caplog, cells)
    assert not problems, "\n".join(problems)


async def test_every_button_in_every_role(world, caplog):
    _, w, _ = world
    cells = []
    for factory, (make, allowed, kind) in sorted(button_table(w).items(),
                                                 key=lambda item: item[0].__name__):
        data = make().pack()
        for role in ROLES:
            cells.append((f"{factory.__name__}({data})", role, update_for(role, data=data),
                          role in allowed, kind, None))
    problems = await _sweep(world, caplog, cells)
    assert not problems, "\n".join(problems)
