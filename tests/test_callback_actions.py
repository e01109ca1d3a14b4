"""Buttons with an action: the action is an Enum whose values are the strings the bot has always
packed, so a button already sent in a chat keeps working; routers take one action per handler
(no comparisons of an action with a string in handlers/); a forged action is refused like any
forged button."""

from __future__ import annotations

import ast
import logging
from enum import StrEnum
from pathlib import Path

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import AnswerCallbackQuery

from bot.callbacks import channel as ch
from bot.callbacks import curator as cc
from bot.callbacks import digest as cd
from bot.callbacks import lifecycle as cl
from bot.callbacks import matching as cm
from bot.callbacks import meetings as me
from bot.callbacks import onboarding as co
from bot.callbacks import region as rg
from bot.callbacks import roadmap as cr
from bot.emulator.seed import seed_programme
from bot.services.people import users
from bot.services.programmes import programmes
from tests.bot_surface import callback_factories
from tests.db_snapshot import snapshot
from tests.recording_bot import create_recording_bot

HANDLERS = Path(__file__).resolve().parent.parent / "handlers"

# Every action of every class, packed as the bot packed it before actions were Enums (id 7, the
# required text fields "mentor"): byte for byte what buttons in people's chats carry.
PACKED: dict[type[CallbackData], list[str]] = {
    cc.ProgrammeCallback: ["pg:card:7", "pg:run:7", "pg:done:7", "pg:mats:7", "pg:comm:7",
                           "pg:doneok:7", "pg:keep:7"],
    cc.LinkCallback: ["lk:show:7:mentor:0:0:0", "lk:life:7:mentor:0:0:0",
                      "lk:uses:7:mentor:0:0:0", "lk:new:7:mentor:0:0:0",
                      "lk:revoke:7:mentor:0:0:0", "lk:revokeok:7:mentor:0:0:0",
                      "lk:keep:7:mentor:0:0:0"],
    cc.MaterialCallback: ["mt:add:7:0", "mt:del:7:0", "mt:delok:7:0", "mt:keep:7:0"],
    cd.DigestCallback: ["dg:day:7:0:0", "dg:time:7:0:0", "dg:set:7:0:0", "dg:now:7:0:0"],
    cd.AnnounceCallback: ["an:pick:7:", "an:aud:7:", "an:send:7:", "an:drop:7:"],
    cl.LifecycleCardCallback: ["lc:mid:7", "lc:fin:7", "lc:let:7", "lc:new:7", "lc:mon:7",
                               "lc:cond:7"],
    cl.LetterPickCallback: ["lf:t:7:0", "lf:go:7:0"],
    cl.PracticeCallback: ["pb:l:7:0:0", "pb:p:7:0:0", "pb:t:7:0:0"],
    cm.MatchProgrammeCallback: ["mpg:7:open", "mpg:7:new", "mpg:7:prefs", "mpg:7:pairs"],
    cm.MatchCallback: ["mdr:pg:7:0:0:0", "mdr:drop:7:0:0:0", "mdr:sw:7:0:0:0",
                       "mdr:swto:7:0:0:0", "mdr:add:7:0:0:0", "mdr:am:7:0:0:0",
                       "mdr:amm:7:0:0:0", "mdr:amy:7:0:0:0", "mdr:ok:7:0:0:0",
                       "mdr:yes:7:0:0:0"],
    cm.PairCallback: ["pr:card:7", "pr:pause:7", "pr:resume:7", "pr:done:7", "pr:end:7",
                      "pr:plan:7", "pr:doneok:7", "pr:endok:7", "pr:keep:7"],
    cm.PlanCallback: ["pn:show:7:0:", "pn:add:7:0:", "pn:nodate:7:0:", "pn:goal:7:0:",
                      "pn:st:7:0:", "pn:cm:7:0:", "pn:del:7:0:", "pn:delok:7:0:",
                      "pn:keep:7:0:"],
    me.MeetingActionCallback: ["ma:ok:7", "ma:mv:7", "ma:cx:7"],
    me.LogCallback: ["ml:c:0:0::0::0", "ml:d:0:0::0::0", "ml:k:0:0::0::0", "ml:K:0:0::0::0",
                     "ml:t:0:0::0::0", "ml:T:0:0::0::0", "ml:ok:0:0::0::0"],
    # before: the field was called `answer`; names are not packed, positions are
    me.OverdueCallback: ["mo:y:7", "mo:n:7", "mo:o:7"],
    me.LoggedCallback: ["mx:note:7", "mx:topics:7", "mx:edit:7", "mx:del:7", "mx:delok:7",
                        "mx:back:7"],
    co.SurveyCallback: ["sv:7:mentor:o:-1", "sv:7:mentor:t:-1", "sv:7:mentor:d:-1",
                        "sv:7:mentor:s:-1", "sv:7:mentor:b:-1"],
    cr.RoadmapProgrammeCallback: ["rmp:menu:7::0", "rmp:upload:7::0", "rmp:list:7::0"],
    cr.RoadmapDraftCallback: ["rmd:summary:7:0:0:0", "rmd:items:7:0:0:0", "rmd:fix:7:0:0:0",
                              "rmd:people:7:0:0:0", "rmd:person:7:0:0:0", "rmd:pick:7:0:0:0",
                              "rmd:skip:7:0:0:0", "rmd:invite:7:0:0:0", "rmd:save:7:0:0:0",
                              "rmd:drop:7:0:0:0"],
    cr.RoadmapItemCallback: ["rmi:done:7", "rmi:nocomment:7", "rmi:ext:7"],
    rg.RegionCallback: ["rgn:c:7:0:0:0", "rgn:p:7:0:0:0", "rgn:n:7:0:0:0", "rgn:r:7:0:0:0",
                        "rgn:d:7:0:0:0", "rgn:w:7:0:0:0", "rgn:t:7:0:0:0", "rgn:s:7:0:0:0"],
    ch.ChannelCallback: ["ch:w:7:0", "ch:x:7:0"],
    rg.RegionOwnerCallback: ["rgo:z:7:0:0:0", "rgo:o:7:0:0:0", "rgo:t:7:0:0:0",
                             "rgo:l:7:0:0:0"],
}


def action_enum(factory: type[CallbackData]) -> type[StrEnum]:
    return factory.model_fields["action"].annotation


def action_position(factory: type[CallbackData]) -> int:
    return 1 + list(factory.model_fields).index("action")


def test_every_factory_with_an_action_has_an_enum_and_is_listed_here():
    with_action = {f for f in callback_factories() if "action" in f.model_fields}
    assert with_action == set(PACKED), "list the packed actions of a new class in PACKED"
    for factory in with_action:
        enum = action_enum(factory)
        assert isinstance(enum, type) and issubclass(enum, StrEnum), factory.__name__


@pytest.mark.parametrize("factory", sorted(PACKED, key=lambda f: f.__prefix__),
                         ids=lambda f: f.__name__)
def test_buttons_already_sent_keep_working_byte_for_byte(factory):
    enum = action_enum(factory)
    packed = PACKED[factory]
    values = [data.split(":")[action_position(factory)] for data in packed]
    assert sorted(member.value for member in enum) == sorted(values)
    for data, value in zip(packed, values, strict=True):
        unpacked = factory.unpack(data)
        assert unpacked.action is enum(value)
        assert unpacked.pack() == data
        # built in code with the member: the same bytes
        fields = unpacked.model_dump() | {"action": enum(value)}
        assert factory(**fields).pack() == data


# --- no dispatching on action strings in handlers/ ----------------------------------------------

def _is_action(node: ast.AST) -> bool:
    return (isinstance(node, ast.Name) and node.id == "action") or (
        isinstance(node, ast.Attribute) and node.attr == "action")


def _has_string(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_has_string(e) for e in node.elts)
    return False


def action_string_comparisons(tree: ast.AST) -> list[int]:
    """Lines comparing an action with string literals: `action == "x"`, `x.action in ("a",
    "b")`, `F.action.in_({"a"})`, `match action: case "x"`, a dict of actions by string."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_is_action(o) for o in operands) and any(_has_string(o) for o in operands):
                lines.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "in_" and _is_action(node.func.value) \
                and any(_has_string(a) for a in node.args):
            lines.append(node.lineno)
        elif isinstance(node, ast.Match) and _is_action(node.subject):
            lines.append(node.lineno)
        elif isinstance(node, ast.Subscript) and _is_action(node.slice):
            lines.append(node.lineno)
    return lines


def test_the_scan_finds_the_old_shapes():
    old = '''
if action == "add": pass
elif callback_data.action in ("run", "done"): pass
router.callback_query(X.filter(F.action == "fin"))
router.callback_query(X.filter(F.action.in_({"mid", "let"})))
changes[action](session)
match card.action:
    case "ok": pass
'''
    assert sorted(action_string_comparisons(ast.parse(old))) == [2, 3, 4, 5, 6, 7]
    new = '''
router.callback_query(X.filter(F.action == XAction.FIN))
router.callback_query(X.filter(F.action.in_({XAction.MID, XAction.LET})))
'''
    assert action_string_comparisons(ast.parse(new)) == []


def test_no_handler_dispatches_on_action_strings():
    found = []
    for path in sorted(HANDLERS.rglob("*.py")):
        for line in action_string_comparisons(ast.parse(path.read_text(), str(path))):
            found.append(f"{path.relative_to(HANDLERS.parent)}:{line}")
    assert not found, "one handler per action, filtered by the Enum member: " + ", ".join(found)


# --- a forged action ---------------------------------------------------------------------------

CURATOR = 9301


def forged(factory: type[CallbackData], programme_id: int) -> str:
    """The first packed button of the class with an action no class has, and the curator's own
    programme id where the class names one (so only the action is wrong)."""
    parts = PACKED[factory][0].split(":")
    parts[action_position(factory)] = "zz"
    if "programme_id" in factory.model_fields:
        parts[1 + list(factory.model_fields).index("programme_id")] = str(programme_id)
    return ":".join(parts)


async def test_a_forged_action_gets_the_stale_button_answer_and_changes_nothing(app, caplog,
                                                                                translator):
    from aiogram.types import Update

    seeded = await seed_programme(app, organisation="Школа Альфа", title="Программа Альфа")
    async with app.sessionmaker() as session, session.begin():
        curator = await users.get_or_create(session, CURATOR)
        await programmes.add_curator(session, seeded.organisation_id, curator.id, "Куратор А")
    before = await snapshot(app)
    bot = create_recording_bot()
    sender = {"id": CURATOR, "is_bot": False, "first_name": "К", "language_code": "ru"}
    chat = {"id": CURATOR, "type": "private", "first_name": "К"}
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        for number, factory in enumerate(sorted(PACKED, key=lambda f: f.__prefix__), start=1):
            raw = {"update_id": number, "callback_query": {
                "id": str(number), "from": sender, "chat_instance": "ci",
                "data": forged(factory, seeded.programme_id),
                "message": {"message_id": 1, "date": 0, "chat": chat, "text": "old"}}}
            await app.dispatcher.feed_update(bot, Update.model_validate(raw, context={"bot": bot}))
    crashes = [r for r in caplog.records
               if r.name == "mentorbot.errors" and r.levelno >= logging.ERROR]
    assert not crashes, crashes[0].getMessage()
    answers = [r for r in bot.session.requests if isinstance(r, AnswerCallbackQuery)]
    stale = translator.bind("ru").plain("access.stale")
    assert [(a.callback_query_id, a.text) for a in answers] == [
        (str(n), stale) for n in range(1, len(PACKED) + 1)]
    assert len(bot.session.requests) == len(PACKED)  # nothing but the answers
    assert await snapshot(app) == before


@pytest.mark.parametrize("response_id, question, action, index", [
    (1, "q", co.SurveyAction.OPTION, 0),
    (2_147_483_647, "hours_per_month", co.SurveyAction.TOGGLE, 12),
    (42, "интересы", co.SurveyAction.DONE, -1),
    (7, "q_1-2.3", co.SurveyAction.SKIP, -1),
    (7, "q", co.SurveyAction.BACK, -1),
])
def test_a_survey_button_packs_as_its_callback_data_would(response_id, question, action, index):
    expected = co.SurveyCallback(response_id=response_id, question=question, action=action,
                                 index=index).pack()
    assert co.survey_data(response_id, question, action, index) == expected
    assert co.SurveyCallback.unpack(expected) == co.SurveyCallback.unpack(
        co.survey_data(response_id, question, action, index))


@pytest.mark.parametrize("question", ["a:b", "й" * 40])
def test_a_survey_button_refuses_what_its_callback_data_refuses(question):
    with pytest.raises(ValueError):
        co.SurveyCallback(response_id=1, question=question, action=co.SurveyAction.OPTION,
                          index=1).pack()
    with pytest.raises(ValueError):
        co.survey_data(1, question, co.SurveyAction.OPTION, 1)
