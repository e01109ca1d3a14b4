"""Joining a programme from an invitation link: age group, consent (or a guardian's), name,
form, then the profile questionnaire. Nothing personal is stored before consent."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.callbacks.onboarding import (
    AgeGroupCallback,
    ConsentCallback,
    FormChoiceCallback,
    GuardianCallback,
    ReconsiderCallback,
    StartProfileCallback,
)
from bot.db import AsyncSession
from bot.i18n import BoundTranslator
from bot.services import lookup
from bot.services.errors import AccessDenied, DomainError, InvitationInvalid
from bot.services.notices import notify, outbox
from bot.services.people import invitations, participants
from bot.services.people.participants import AGE_GROUPS
from bot.services.programmes import programmes
from bot.services.programmes.forms import form_title
from bot.services.surveys import questionnaire
from handlers.onboarding.views import (
    age_group_keyboard,
    consent_keyboard,
    form_keyboard,
    guardian_keyboard,
    reconsider_keyboard,
    start_profile_keyboard,
)
from handlers.shared.pressed import editable, in_chat
from handlers.surveys.router import show_step
from models import Participation, ParticipationState, User


class Joining(StatesGroup):
    age_group = State()
    consent = State()
    name = State()


class GuardianConsent(StatesGroup):
    deciding = State()


async def _consent_html(session: AsyncSession, programme_id: int,
                        t: BoundTranslator) -> tuple[int, str]:
    text = await programmes.consent_to_read(session, programme_id, t.locale,
                                            t.translator.default_locale)
    return text.id, text.body


async def open_invitation(message_or_query: Message | CallbackQuery, token: str, *,
                          session: AsyncSession, user: User, state: FSMContext,
                          t: BoundTranslator) -> None:
    answer = (message_or_query.answer if isinstance(message_or_query, Message)
              else in_chat(message_or_query).answer)
    try:
        invitation = await invitations.resolve(session, token)
    except InvitationInvalid as exc:
        await answer(t.with_params(exc.key, exc.params))
        return
    if invitation.role == "guardian":
        participation = await lookup.participation(session, invitation.participation_id)
        programme = await lookup.programme(session, invitation.programme_id)
        if participation is None or participation.user_id == user.id:
            await answer(t("guardian.error.self"))
            return
        if programme is None:  # deleted meanwhile: the link leads nowhere
            raise InvitationInvalid()
        _, consent = await _consent_html(session, programme.id, t)
        await state.set_state(GuardianConsent.deciding)
        await state.set_data({"token": token})
        await answer(t("guardian.intro", programme=programme.title,
                       role=t(f"role.{participation.role}")))
        await answer(consent, reply_markup=guardian_keyboard(t))
        return
    if invitation.role == "curator":
        from handlers.onboarding.curator_join import (
            start_curator_join,  # curator onboarding lives there
        )

        await start_curator_join(message_or_query, invitation, session=session, user=user,
                                 state=state, t=t)
        return
    programme = await lookup.programme(session, invitation.programme_id)
    if programme is None:  # deleted meanwhile: the link leads nowhere
        raise InvitationInvalid()
    already = await participants.existing(session, user.id, programme.id, invitation.role)
    if already is not None:
        # The link opened again mid-questionnaire (a lost question, a new phone): the way on.
        markup = (start_profile_keyboard(t, already.id)
                  if already.state == ParticipationState.QUESTIONNAIRE else None)
        await answer(t("onboarding.already", programme=programme.title,
                       role=t(f"role.{invitation.role}"), state=t(f"state.{already.state}")),
                     reply_markup=markup)
        return
    await state.set_state(Joining.age_group)
    await state.set_data({"token": token})
    await answer(t("onboarding.welcome", programme=programme.title,
                   role=t(f"role.{invitation.role}")))
    await answer(t("onboarding.age_group"), reply_markup=age_group_keyboard(t))


async def ask_name_or_form(bot: Bot, chat_id: int, participation: Participation,
                           session: AsyncSession, state: FSMContext, t: BoundTranslator) -> None:
    """After consent: the name, then the form (when the programme has several), then the
    questionnaire."""
    if participation.full_name is None:
        await state.set_state(Joining.name)
        await state.set_data({"participation_id": participation.id})
        await bot.send_message(chat_id, t("onboarding.ask_name"))
        return
    programme = await lookup.programme(session, participation.programme_id)
    if programme is None:
        raise AccessDenied()
    if participation.form is None:
        await state.clear()
        await bot.send_message(chat_id, t("onboarding.ask_form"),
                               reply_markup=form_keyboard(t, participation.id, programme.forms))
        return
    step = await questionnaire.start(session, participation,
                                     questionnaire.PROFILE_SURVEYS[participation.role])
    await show_step(bot, chat_id, step, state, t)


def create_router() -> Router:
    router = Router(name="onboarding")

    @router.message(CommandStart(deep_link=True), F.chat.type == "private")
    async def start_with_token(message: Message, command: CommandObject, session: AsyncSession,
                               user: User, state: FSMContext, t: BoundTranslator) -> None:
        await state.clear()
        await open_invitation(message, command.args or "", session=session, user=user,
                              state=state, t=t)

    @router.callback_query(ReconsiderCallback.filter())
    async def reconsider(query: CallbackQuery, callback_data: ReconsiderCallback,
                         session: AsyncSession, user: User, state: FSMContext,
                         t: BoundTranslator) -> None:
        await query.answer()
        await state.clear()
        await open_invitation(query, callback_data.token, session=session, user=user,
                              state=state, t=t)

    @router.callback_query(Joining.age_group, AgeGroupCallback.filter(F.group.in_(AGE_GROUPS)))
    async def age_group_chosen(query: CallbackQuery, callback_data: AgeGroupCallback,
                               session: AsyncSession, user: User, state: FSMContext,
                               t: BoundTranslator, bot: Bot) -> None:
        message = editable(query)
        token = (await state.get_data()).get("token", "")
        try:
            invitation = await invitations.resolve(session, token)
        except InvitationInvalid as exc:
            await state.clear()
            await query.answer()
            await message.edit_text(t.with_params(exc.key, exc.params))
            return
        await query.answer()
        group = callback_data.group
        await message.edit_text(t("onboarding.age_group_chosen", group=t(f"age_group.{group}")))
        if participants.needs_guardian(group):
            try:
                participation, link = await participants.join_as_minor(
                    session, invitation, user.id, group)
            except InvitationInvalid as exc:
                await state.clear()
                await message.answer(t.with_params(exc.key, exc.params))
                return
            await state.clear()
            me = await bot.me()
            await message.answer(t("onboarding.guardian_needed"))
            await message.answer(t(
                "onboarding.guardian_link", link=invitations.deep_link(me.username, link.token)))
            return
        if invitation.programme_id is None:  # an invitation without a programme (a curator's)
            raise InvitationInvalid()
        consent_id, consent = await _consent_html(session, invitation.programme_id, t)
        await state.set_state(Joining.consent)
        await state.update_data(age_group=group, consent_text_id=consent_id)
        await message.answer(consent, reply_markup=consent_keyboard(t))

    @router.callback_query(Joining.consent, ConsentCallback.filter())
    async def consent_decided(query: CallbackQuery, callback_data: ConsentCallback,
                              session: AsyncSession, user: User, state: FSMContext,
                              t: BoundTranslator, bot: Bot) -> None:
        message = editable(query)
        data = await state.get_data()
        token = data.get("token", "")
        await query.answer()
        if not callback_data.accept:
            # Declining keeps nothing: the state (token, age group) is dropped too.
            await state.clear()
            await message.edit_reply_markup(reply_markup=None)
            await message.answer(t("consent.declined"),
                                 reply_markup=reconsider_keyboard(t, token))
            return
        try:
            invitation = await invitations.resolve(session, token)
            participation = await participants.join_with_consent(
                session, invitation, user.id, data["age_group"], data["consent_text_id"])
        except InvitationInvalid as exc:
            await state.clear()
            await message.answer(t.with_params(exc.key, exc.params))
            return
        await message.edit_reply_markup(reply_markup=None)
        await message.answer(t("consent.accepted"))
        await ask_name_or_form(bot, query.from_user.id, participation, session, state, t)

    @router.callback_query(GuardianConsent.deciding, GuardianCallback.filter())
    async def guardian_decided(query: CallbackQuery, callback_data: GuardianCallback,
                               session: AsyncSession, user: User, state: FSMContext,
                               t: BoundTranslator, bot: Bot) -> None:
        pressed = editable(query)
        token = (await state.get_data()).get("token", "")
        await state.clear()
        await query.answer()
        try:
            invitation = await invitations.resolve(session, token)
            participation = await participants.guardian_decides(
                session, invitation, user.id, callback_data.accept)
        except DomainError as exc:
            await pressed.answer(t.with_params(exc.key, exc.params))
            return
        await pressed.edit_reply_markup(reply_markup=None)
        await pressed.answer(t("guardian.accepted" if callback_data.accept
                               else "guardian.declined"))
        child = await lookup.user(session, participation.user_id)
        if child is not None:
            # A message to someone else: bot-initiated, so it goes through the outbox.
            buttons = [[outbox.button(
                text_key="onboarding.start_profile",
                callback_data=StartProfileCallback(participation_id=participation.id).pack())]]
            await notify.notify_user(
                session, child, kind="guardian_decision",
                text_key="onboarding.guardian_agreed" if callback_data.accept
                else "onboarding.guardian_refused",
                buttons=buttons if callback_data.accept else None,
                dedupe_key=f"participation:{participation.id}:guardian_decision",
                about=outbox.NOBODY)

    @router.callback_query(StartProfileCallback.filter())
    async def start_profile(query: CallbackQuery, callback_data: StartProfileCallback,
                            session: AsyncSession, user: User, state: FSMContext,
                            t: BoundTranslator, bot: Bot) -> None:
        message = in_chat(query)
        participation = await participants.owned(session, callback_data.participation_id, user.id)
        await query.answer()
        if participation.state != ParticipationState.QUESTIONNAIRE:
            await message.answer(t(f"state.{participation.state}"))
            return
        await ask_name_or_form(bot, query.from_user.id, participation, session, state, t)

    @router.message(Joining.name, F.text)
    async def name_given(message: Message, session: AsyncSession, user: User, state: FSMContext,
                         t: BoundTranslator, bot: Bot) -> None:
        participation_id = (await state.get_data()).get("participation_id")
        participation = await participants.owned(session, participation_id, user.id)
        try:
            await participants.set_name(session, participation, message.text or "")
        except DomainError as exc:
            await message.answer(t.with_params(exc.key, exc.params))
            return
        await ask_name_or_form(bot, message.chat.id, participation, session, state, t)

    @router.message(Joining.name)
    async def name_not_text(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("onboarding.ask_name"))

    @router.message(Joining.age_group)
    @router.message(Joining.consent)
    @router.message(GuardianConsent.deciding)
    async def expected_button(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("common.use_buttons"))

    @router.callback_query(FormChoiceCallback.filter())
    async def form_chosen(query: CallbackQuery, callback_data: FormChoiceCallback,
                          session: AsyncSession, user: User, state: FSMContext,
                          t: BoundTranslator, bot: Bot) -> None:
        message = editable(query)
        participation = await participants.owned(session, callback_data.participation_id, user.id)
        programme = await lookup.programme(session, participation.programme_id)
        if programme is None:
            raise AccessDenied()
        if not 0 <= callback_data.index < len(programme.forms) or participation.form is not None:
            await query.answer(t.plain("survey.stale"))
            return
        form = programme.forms[callback_data.index]
        await participants.set_form(session, participation, form)
        await query.answer()
        await message.edit_text(t("onboarding.form_chosen", form=form_title(form, t)))
        await ask_name_or_form(bot, query.from_user.id, participation, session, state, t)

    return router
