"""The root router offers an update only to the routers that could take it (issue #21,
bot/telegram/tuning.py router_index), in aiogram's order, and a router added later needs no
registration of its own."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import Dispatcher, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Chat, Message, Update, User

from bot.telegram.tuning import indexed_router_class
from tests.recording_bot import create_recording_bot


class Knock(CallbackData, prefix="knock"):
    n: int


class Other(CallbackData, prefix="other"):
    n: int


class Form(StatesGroup):
    name = State()
    age = State()


def _user() -> User:
    return User(id=7, is_bot=False, first_name="X")


def _message(update_id: int, text: str) -> Update:
    return Update(update_id=update_id, message=Message(
        message_id=update_id, date=datetime.now(UTC), chat=Chat(id=7, type="private"),
        from_user=_user(), text=text))


def _press(update_id: int, data: str) -> Update:
    return Update(update_id=update_id, callback_query=CallbackQuery(
        id=str(update_id), from_user=_user(), chat_instance="c", data=data))


def _world(visits: list[str], taken: list[str]) -> tuple[Dispatcher, Router]:
    """Routers whose every filter check is recorded: which routers an update visited."""
    def watched(name: str) -> Router:
        router = Router(name=name)

        async def seen(event: object) -> bool:
            visits.append(name)
            return True

        router.message.filter(seen)
        router.callback_query.filter(seen)
        return router

    knock, other, form, commands, anything = (watched(n) for n in (
        "knock", "other", "form", "commands", "anything"))

    @knock.callback_query(Knock.filter())
    async def knocked(query: CallbackQuery, callback_data: Knock) -> None:
        taken.append(f"knock {callback_data.n}")

    @other.callback_query(Other.filter(F.n == 1))
    async def other_one(query: CallbackQuery) -> None:
        taken.append("other")

    @form.message(Form.age)
    async def age(message: Message) -> None:
        taken.append("age")

    @commands.message(Command("hello"))
    async def hello(message: Message) -> None:
        taken.append("hello")

    @anything.message()
    async def any_message(message: Message) -> None:
        taken.append("anything")

    @anything.callback_query()
    async def any_press(query: CallbackQuery) -> None:
        taken.append("stale")

    root = indexed_router_class()(name="root")
    root.include_routers(knock, other, form, commands, anything)
    dp = Dispatcher()
    dp.include_router(root)
    return dp, root


async def test_a_button_visits_only_the_routers_of_its_prefix_and_the_catch_all():
    visits: list[str] = []
    taken: list[str] = []
    dp, _ = _world(visits, taken)
    bot = create_recording_bot()
    await dp.feed_update(bot, _press(1, Knock(n=3).pack()))
    assert (visits, taken) == (["knock"], ["knock 3"])
    visits.clear()
    await dp.feed_update(bot, _press(2, Other(n=2).pack()))  # its router's rule refuses it
    assert (visits, taken[-1]) == (["other", "anything"], "stale")
    visits.clear()
    await dp.feed_update(bot, _press(3, "forged:1"))
    assert (visits, taken[-1]) == (["anything"], "stale")


async def test_a_message_visits_the_routers_of_its_state_and_commands_only_when_it_is_one():
    visits: list[str] = []
    taken: list[str] = []
    dp, _ = _world(visits, taken)
    bot = create_recording_bot()
    await dp.feed_update(bot, _message(1, "just text"))
    assert (visits, taken) == (["anything"], ["anything"])
    visits.clear()
    await dp.feed_update(bot, _message(2, "/hello"))
    assert (visits, taken[-1]) == (["commands"], "hello")
    visits.clear()
    await dp.fsm.storage.set_state(
        key=dp.fsm.get_context(bot, chat_id=7, user_id=7).key, state=Form.age)
    await dp.feed_update(bot, _message(3, "12"))
    assert (visits, taken[-1]) == (["form"], "age")


async def test_a_router_added_later_is_visited_like_the_others():
    visits: list[str] = []
    taken: list[str] = []
    dp, root = _world(visits, taken)
    bot = create_recording_bot()
    await dp.feed_update(bot, _press(1, Knock(n=1).pack()))  # the index is built
    late = Router(name="late")

    class Late(CallbackData, prefix="late"):
        n: int

    @late.callback_query(Late.filter())
    async def late_press(query: CallbackQuery) -> None:
        taken.append("late")

    root.sub_routers.insert(0, late)  # before the catch-all, as a new feature's line would be
    late._parent_router = root
    await dp.feed_update(bot, _press(2, Late(n=1).pack()))
    assert taken[-1] == "late"


def test_every_router_of_the_bot_is_indexed(app):
    """The bot's root router is the indexed one, and a survey button is offered to a handful
    of its ~30 routers, not to all of them."""
    root = app.dispatcher.sub_routers[0]
    assert type(root).__name__ == "IndexedRouter"
    from bot.callbacks.onboarding import SurveyCallback

    query = _press(1, f"{SurveyCallback.__prefix__}:x").callback_query
    found = root._candidates("callback_query", query, {})
    names = [r.name for r in found]
    assert "questionnaire" in names and names[-1] == "fallback"
    assert len(found) <= 4 < len(root.sub_routers)
