"""/plan: a pair's individual plan for its mentor and mentee (goals with target dates, status
marks and a short comment). Only the pair's own members get in; the curator's read-only view is
in handlers/matching/router.py."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.callbacks.matching import PlanAction, PlanCallback
from bot.db import AsyncSession
from bot.i18n import BoundTranslator
from bot.services.errors import DomainError
from bot.services.pairs import pairs, plans
from bot.services.pairs.pairs import PairView
from handlers.matching import views as kb
from handlers.shared import confirm
from handlers.shared.pressed import editable, in_chat
from handlers.shared.typed import read_typed
from models import Pair, PairState, PlanGoal, User


class PlanInput(StatesGroup):
    title = State()
    target = State()
    comment = State()


def _date(goal: PlanGoal, t: BoundTranslator) -> str:
    return goal.target_date.strftime("%d.%m.%Y") if goal.target_date else t("plan.no_date")


def goal_line(t: BoundTranslator, number: int, goal: PlanGoal) -> str:
    line = t("plan.goal_line", number=number, icon=kb.STATUS_ICONS.get(goal.status, ""),
             title=goal.title, date=_date(goal, t), status=t(f"plan.status.{goal.status}"))
    if goal.comment:
        line += "\n   " + t("plan.comment_line", comment=goal.comment)
    return line


def plan_text(t: BoundTranslator, pair: PairView, goals: list[PlanGoal], read_only: bool = False
              ) -> str:
    lines = [t("plan.title", mentor=pair.mentor_name, mentee=pair.mentee_name,
               n=len(goals), max=plans.MAX_GOALS)]
    lines += [goal_line(t, number, goal) for number, goal in enumerate(goals, start=1)]
    if not goals:
        lines.append(t("plan.empty"))
    if read_only:
        lines.append(t("plan.read_only"))
    return "\n".join(lines)


async def show_plan(message: Message, session: AsyncSession, pair_id: int, t: BoundTranslator,
                    edit: bool = False) -> None:
    shown = await pairs.view(session, pair_id)
    goals = await plans.goals(session, pair_id)
    editable = shown.state != PairState.ENDED_EARLY
    markup = kb.plan(t, pair_id, goals, editable)
    text = plan_text(t, shown, goals)
    if edit:
        await message.edit_text(text, reply_markup=markup)
    else:
        await message.answer(text, reply_markup=markup)


async def show_goal(message: Message, pair_id: int, goal: PlanGoal, number: int,
                    t: BoundTranslator) -> None:
    await message.answer(t("plan.goal_card") + "\n" + goal_line(t, number, goal),
                         reply_markup=kb.goal(t, pair_id, goal.id))


def create_router() -> Router:
    router = Router(name="plan")
    router.message.filter(F.chat.type == "private")

    @router.message(Command("plan"))
    async def plan_command(message: Message, session: AsyncSession, user: User,
                           state: FSMContext, t: BoundTranslator) -> None:
        await state.clear()
        mine = await pairs.of_user(session, user.id)
        if not mine:
            await message.answer(t("plan.no_pairs"))
        elif len(mine) == 1:
            await show_plan(message, session, mine[0][0].id, t)
        else:
            await message.answer(t("plan.pick"), reply_markup=kb.pick_pair(t, mine))

    # A plan's buttons: every press names a pair of the presser's; a goal, one of that pair.
    def plan_button(action: PlanAction):
        return router.callback_query(PlanCallback.filter(F.action == action))

    async def pressed_pair(session: AsyncSession, user: User, callback_data: PlanCallback):
        pair, _ = await pairs.require_member(session, user.id, callback_data.pair_id)
        return pair

    async def pressed_goal(session: AsyncSession, user: User, callback_data: PlanCallback
                           ) -> tuple[Pair, PlanGoal, int]:
        """The pair, the goal and its number in the plan."""
        pair = await pressed_pair(session, user, callback_data)
        goal = await plans.goal_of(session, pair, callback_data.goal_id)
        goals = await plans.goals(session, pair.id)
        number = next(i for i, g in enumerate(goals, start=1) if g.id == goal.id)
        return pair, goal, number

    @plan_button(PlanAction.SHOW)
    async def plan_show(query: CallbackQuery, callback_data: PlanCallback,
                        session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        pair = await pressed_pair(session, user, callback_data)
        await query.answer()
        await show_plan(message, session, pair.id, t)

    @plan_button(PlanAction.ADD)
    async def plan_add(query: CallbackQuery, callback_data: PlanCallback,
                       session: AsyncSession, user: User, state: FSMContext,
                       t: BoundTranslator) -> None:
        message = in_chat(query)
        pair = await pressed_pair(session, user, callback_data)
        plans.require_editable(pair)
        await plans.check_room(session, pair)
        await state.set_state(PlanInput.title)
        await state.set_data({"pair_id": pair.id})
        await query.answer()
        await message.answer(t("plan.ask_title", max=plans.MAX_TITLE))

    @plan_button(PlanAction.NO_DATE)
    async def plan_no_date(query: CallbackQuery, callback_data: PlanCallback,
                           session: AsyncSession, user: User, state: FSMContext,
                           t: BoundTranslator) -> None:
        message = editable(query)
        pair = await pressed_pair(session, user, callback_data)
        data = await state.get_data()
        if await state.get_state() != PlanInput.target.state or data.get("pair_id") != pair.id:
            await query.answer()
            return
        await plans.add_goal(session, pair, data["title"], None)
        await state.clear()
        await query.answer(t.plain("plan.added"))
        await show_plan(message, session, pair.id, t)

    @plan_button(PlanAction.GOAL)
    async def plan_goal(query: CallbackQuery, callback_data: PlanCallback,
                        session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        pair, goal, number = await pressed_goal(session, user, callback_data)
        await query.answer()
        await show_goal(message, pair.id, goal, number, t)

    @plan_button(PlanAction.STATUS)
    async def plan_status(query: CallbackQuery, callback_data: PlanCallback,
                          session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        pair, goal, number = await pressed_goal(session, user, callback_data)
        await plans.set_status(session, pair, goal, callback_data.value)
        await query.answer(t.plain("plan.status_saved"))
        await show_goal(message, pair.id, goal, number, t)

    @plan_button(PlanAction.COMMENT)
    async def plan_comment(query: CallbackQuery, callback_data: PlanCallback,
                           session: AsyncSession, user: User, state: FSMContext,
                           t: BoundTranslator) -> None:
        message = in_chat(query)
        pair, goal, _ = await pressed_goal(session, user, callback_data)
        plans.require_editable(pair)
        await state.set_state(PlanInput.comment)
        await state.set_data({"pair_id": pair.id, "goal_id": goal.id})
        await query.answer()
        await message.answer(t("plan.ask_comment", max=plans.MAX_COMMENT))

    @plan_button(PlanAction.DELETE)
    async def plan_delete_ask(query: CallbackQuery, callback_data: PlanCallback,
                              session: AsyncSession, user: User, t: BoundTranslator) -> None:
        """Deleting a goal cannot be undone: the goal card asks first."""
        message = editable(query)
        pair, goal, _ = await pressed_goal(session, user, callback_data)
        plans.require_editable(pair)
        await query.answer()
        await message.edit_text(t("plan.delete_ask", title=goal.title), reply_markup=confirm.keyboard(
            t, "plan.delete_yes",
            PlanCallback(action=PlanAction.DELETE_CONFIRMED, pair_id=pair.id, goal_id=goal.id),
            PlanCallback(action=PlanAction.KEEP, pair_id=pair.id, goal_id=goal.id)))

    @plan_button(PlanAction.DELETE_CONFIRMED)
    async def plan_delete(query: CallbackQuery, callback_data: PlanCallback,
                          session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        pair = await pressed_pair(session, user, callback_data)
        goal = await plans.goal_to_delete(session, pair, callback_data.goal_id)
        await plans.delete_goal(session, pair, goal)
        await query.answer(t.plain("plan.deleted"))
        await show_plan(message, session, pair.id, t, edit=True)

    @plan_button(PlanAction.KEEP)
    async def plan_keep(query: CallbackQuery, callback_data: PlanCallback,
                        session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        await pressed_pair(session, user, callback_data)
        await query.answer()
        await confirm.kept(message, t)

    async def member_pair(session: AsyncSession, user: User, state: FSMContext):
        pair, _ = await pairs.require_member(session, user.id,
                                             (await state.get_data()).get("pair_id", 0))
        return pair

    @router.message(PlanInput.title, F.text)
    async def title_given(message: Message, session: AsyncSession, user: User,
                          state: FSMContext, t: BoundTranslator) -> None:
        pair = await member_pair(session, user, state)
        try:
            title = plans.clean_title(message.text)
        except DomainError as exc:
            await message.answer(t.with_params(exc.key, exc.params))
            return
        await state.update_data(title=title)
        await state.set_state(PlanInput.target)
        await message.answer(t("plan.ask_date"), reply_markup=kb.no_date(t, pair.id))

    @router.message(PlanInput.target, F.text)
    async def date_given(message: Message, session: AsyncSession, user: User,
                         state: FSMContext, t: BoundTranslator) -> None:
        pair = await member_pair(session, user, state)
        target = await read_typed(message, t, plans.parse_target, again="plan.ask_date",
                                  reply_markup=kb.no_date(t, pair.id))
        if target is None:
            return
        await plans.add_goal(session, pair, (await state.get_data())["title"], target)
        await state.clear()
        await message.answer(t("plan.added"))
        await show_plan(message, session, pair.id, t)

    @router.message(PlanInput.comment, F.text)
    async def comment_given(message: Message, session: AsyncSession, user: User,
                            state: FSMContext, t: BoundTranslator) -> None:
        pair = await member_pair(session, user, state)
        goal = await plans.goal_of(session, pair, (await state.get_data()).get("goal_id", 0))
        try:
            await plans.set_comment(session, pair, goal, message.text)
        except DomainError as exc:
            await message.answer(t.with_params(exc.key, exc.params))
            return
        await state.clear()
        goals = await plans.goals(session, pair.id)
        number = next(i for i, g in enumerate(goals, start=1) if g.id == goal.id)
        await message.answer(t("plan.comment_saved"))
        await show_goal(message, pair.id, goal, number, t)

    @router.message(PlanInput.title)
    @router.message(PlanInput.target)
    @router.message(PlanInput.comment)
    async def not_text(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("plan.need_text"))

    return router
