"""The pair's channel, the Telegram side: the «✉️ Написать…» button (or /write), the choice of
pair when there are several, the step that takes the next message, and «↩️ Ответить». Every
pair id is checked by the service against the presser; a /command at the step is never relayed
(bot/runtime/middlewares/step_commands.py), a keyboard button pressed at the step does what it
says."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.callbacks.channel import ChannelAction, ChannelCallback, ChannelReplyCallback
from bot.clock import now_of
from bot.config import Settings
from bot.db import AsyncSession
from bot.delivery.wake import wake_after_commit
from bot.i18n import BoundTranslator, Translator
from bot.services.channel import relay
from bot.services.errors import AccessDenied, DomainError, StaleButton
from handlers.channel import views
from handlers.shared.persistent_keyboard import WRITE_KEYS, all_labels, labels
from handlers.shared.pressed import editable, in_chat
from models import User


class ChannelFlow(StatesGroup):
    compose = State()  # the next message goes to the pair


def create_router(translator: Translator) -> Router:
    router = Router(name="channel")
    router.message.filter(F.chat.type == "private")
    write_texts = labels(translator, *WRITE_KEYS)
    keyboard_texts = all_labels(translator)

    async def start(session: AsyncSession, user: User | None, state: FSMContext,
                    pair_id: int, group: bool) -> relay.Conversation:
        if user is None:
            raise AccessDenied()
        talk = await relay.conversation(session, user.id, pair_id, group)
        await state.set_state(ChannelFlow.compose)
        await state.set_data({"channel": {"pair": pair_id, "group": group}})
        return talk

    @router.message(Command("write"))
    @router.message(F.text.in_(write_texts))
    async def write(message: Message, session: AsyncSession, user: User | None,
                    state: FSMContext, t: BoundTranslator) -> None:
        await state.clear()
        options = await relay.choices(session, user.id) if user is not None else []
        if not options:
            await message.answer(t("channel.no_pairs"))
            return
        if len(options) == 1:
            talk = await start(session, user, state, options[0].pair_id, options[0].group)
            await message.answer(views.prompt(t, talk), reply_markup=views.cancel_keyboard(t))
            return
        await message.answer(t("channel.choose"), reply_markup=views.choices_keyboard(t, options))

    @router.callback_query(ChannelCallback.filter(F.action == ChannelAction.WRITE))
    async def write_to(query: CallbackQuery, callback_data: ChannelCallback,
                       session: AsyncSession, user: User | None, state: FSMContext,
                       t: BoundTranslator) -> None:
        talk = await start(session, user, state, callback_data.pair, callback_data.group)
        await editable(query).edit_text(views.prompt(t, talk),
                                        reply_markup=views.cancel_keyboard(t))
        await query.answer()

    @router.callback_query(ChannelReplyCallback.filter())
    async def reply(query: CallbackQuery, callback_data: ChannelReplyCallback,
                    session: AsyncSession, user: User | None, state: FSMContext,
                    t: BoundTranslator) -> None:
        # The relayed message stays as it is; the prompt comes as a new message below it.
        talk = await start(session, user, state, callback_data.pair, False)
        await in_chat(query).answer(views.prompt(t, talk), reply_markup=views.cancel_keyboard(t))
        await query.answer()

    @router.callback_query(ChannelCallback.filter(F.action == ChannelAction.CANCEL))
    async def cancel(query: CallbackQuery, state: FSMContext, t: BoundTranslator) -> None:
        await state.clear()
        await editable(query).edit_text(t("channel.cancelled"))
        await query.answer()

    @router.message(ChannelFlow.compose, ~F.text.in_(keyboard_texts))
    async def compose(message: Message, session: AsyncSession, user: User | None,
                      state: FSMContext, t: BoundTranslator, settings: Settings,
                      scheduler: object | None = None) -> None:
        chosen = (await state.get_data()).get("channel")
        if user is None or not chosen:
            await state.clear()
            raise StaleButton()
        content = views.content_of(message)
        if content is None:  # a sticker, a video…: the step stays
            await message.answer(t("channel.refused.kind"))
            return
        try:
            talk = await relay.conversation(session, user.id, int(chosen["pair"]),
                                            bool(chosen["group"]))
        except DomainError as exc:
            # The pair stopped meanwhile: the step ends with the reason (answered here, not
            # raised, so the ended step is committed).
            await state.clear()
            await message.answer(t.with_params(exc.key, exc.params))
            return
        relay.check(content)  # too long: the step stays, the person may shorten it
        await relay.relay(session, talk, content, sender_user_id=user.id, now=now_of(scheduler),
                          keep_days=settings.channel_keep_days)
        wake_after_commit(session, scheduler)
        await state.clear()
        await message.answer(views.sent(t, talk))

    return router
