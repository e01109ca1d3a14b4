"""The regional centre in chat: a coordinator joins by the owner's link, reads /region (paged,
what needs attention first), nudges an organisation's curators, gets the regional workbook,
the digest now and sets its weekday and time; the owner creates regions, picks their
organisations and makes coordinators' links.

Handlers parse and reply; every rule and query is in bot.services.region. The coordinator's
router is guarded once (only coordinators get past it) and the owner's by OwnerGuard; each id
from a button is checked again by the service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiogram import BaseMiddleware, Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
)

from bot.callbacks.region import (
    RegionAction,
    RegionCallback,
    RegionOwnerAction,
    RegionOwnerCallback,
)
from bot.clock import now_of
from bot.config import Settings
from bot.db import AsyncSession
from bot.delivery.wake import wake_after_commit
from bot.i18n import BoundTranslator, Translator
from bot.services.errors import AccessDenied, DomainError, InvitationInvalid
from bot.services.people import access as curator_access
from bot.services.people import invitations
from bot.services.people.timezones import RUSSIAN_ZONES
from bot.services.region import access, digest, nudge, report, snapshot
from bot.telegram import commands as menus
from handlers.region import views
from handlers.shared.guards import OwnerGuard
from handlers.shared.pressed import editable, in_chat
from models import User

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class CoordinatorCommandOnly(AccessDenied):
    """A coordinator's command from someone who coordinates no region."""

    key = "access.coordinator_only"


class CoordinatorGuard(BaseMiddleware):
    """Refuses anyone who coordinates no region (a command: a translated «only for regional
    coordinators»; a button: the plain refusal)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]
                      ) -> Any:
        user: User | None = data.get("user")
        if user is None or not await access.is_coordinator(data["session"], user.id):
            raise CoordinatorCommandOnly() if isinstance(event, Message) else AccessDenied()
        return await handler(event, data)


class NewRegion(StatesGroup):
    name = State()
    zone = State()


async def region_page(session: AsyncSession, region_id: int, page: int, t: BoundTranslator,
                      now: datetime) -> tuple[str, InlineKeyboardMarkup]:
    """A page of /region: its text and keyboard (a page that does not exist: the refusal)."""
    figures = await snapshot.current(session, region_id, now)
    if not 0 <= page < views.pages(figures):
        raise AccessDenied()
    return views.page_text(figures, page, t), views.page_keyboard(figures, page, t)


def coordinator_menu(is_curator: bool) -> tuple[str, ...]:
    return (*menus.CURATOR, "region") if is_curator else menus.COORDINATOR


def create_join_router() -> Router:
    """The region's invitation link, ahead of the programmes' links (onboarding)."""
    router = Router(name="region_join")
    router.message.filter(F.chat.type == "private")

    @router.message(CommandStart(deep_link=True,
                                 magic=F.args.func(access.is_region_token)))
    async def join(message: Message, command: CommandObject, session: AsyncSession, user: User,
                   state: FSMContext, t: BoundTranslator, bot: Bot, translator: Translator,
                   settings: Settings) -> None:
        await state.clear()
        try:
            region = await access.join(session, command.args or "", user.id)
        except InvitationInvalid as exc:
            await message.answer(t(exc.key))
            return
        await menus.publish_for_chat(
            bot, translator, message.chat.id,
            coordinator_menu(await curator_access.is_curator(session, user.id)),
            settings.default_locale)
        await message.answer(t("region.join.done", region=region.name))

    return router


def create_coordinator_router() -> Router:
    router = Router(name="region")
    router.message.filter(F.chat.type == "private")
    router.message.middleware(CoordinatorGuard())
    router.callback_query.middleware(CoordinatorGuard())

    @router.message(Command("region"))
    async def region_command(message: Message, session: AsyncSession, user: User,
                             t: BoundTranslator, scheduler: object | None = None) -> None:
        regions = await access.coordinated(session, user.id)
        if len(regions) == 1:
            text, markup = await region_page(session, regions[0].region_id, 0, t,
                                             now_of(scheduler))
            await message.answer(text, reply_markup=markup)
            return
        await message.answer(t("region.choose"), reply_markup=views.choose_region(regions, t))

    @router.callback_query(RegionCallback.filter(F.action == RegionAction.CHOOSE))
    async def chosen(query: CallbackQuery, callback_data: RegionCallback, session: AsyncSession,
                     user: User, t: BoundTranslator, scheduler: object | None = None) -> None:
        message = in_chat(query)
        await access.require_coordinator(session, user.id, callback_data.region)
        await query.answer()
        text, markup = await region_page(session, callback_data.region, 0, t, now_of(scheduler))
        await message.answer(text, reply_markup=markup)

    @router.callback_query(RegionCallback.filter(F.action == RegionAction.PAGE))
    async def paged(query: CallbackQuery, callback_data: RegionCallback, session: AsyncSession,
                    user: User, t: BoundTranslator, scheduler: object | None = None) -> None:
        message = editable(query)
        await access.require_coordinator(session, user.id, callback_data.region)
        text, markup = await region_page(session, callback_data.region, callback_data.page, t,
                                         now_of(scheduler))
        await message.edit_text(text, reply_markup=markup)
        await query.answer()

    @router.callback_query(RegionCallback.filter(F.action == RegionAction.NUDGE))
    async def nudged(query: CallbackQuery, callback_data: RegionCallback, session: AsyncSession,
                     user: User, t: BoundTranslator, scheduler: object | None = None) -> None:
        queued = await nudge.nudge_curators(session, user.id, callback_data.region,
                                            callback_data.org, now_of(scheduler))
        if queued:
            wake_after_commit(session, scheduler)
        await query.answer(t.plain("region.nudge.sent" if queued else "region.nudge.already",
                                   n=queued), show_alert=not queued)

    @router.callback_query(RegionCallback.filter(F.action == RegionAction.REPORT))
    async def workbook(query: CallbackQuery, callback_data: RegionCallback,
                       session: AsyncSession, user: User, t: BoundTranslator,
                       scheduler: object | None = None) -> None:
        message = in_chat(query)
        await access.require_coordinator(session, user.id, callback_data.region)
        await query.answer()
        figures = await snapshot.fresh(session, callback_data.region, now_of(scheduler))
        content = report.build(figures, t.as_plain())
        await message.answer_document(
            BufferedInputFile(content, filename=f"region_{figures.region_id}_"
                                                f"{figures.today:%Y%m%d}.xlsx"),
            caption=t("region.report.caption", region=figures.name,
                      date=figures.today.strftime("%d.%m.%Y")))

    @router.callback_query(RegionCallback.filter(F.action == RegionAction.DIGEST_NOW))
    async def digest_now(query: CallbackQuery, callback_data: RegionCallback,
                         session: AsyncSession, user: User, t: BoundTranslator,
                         scheduler: object | None = None) -> None:
        queued = await digest.queue_now(session, user.id, query.from_user.id,
                                        callback_data.region, now_of(scheduler))
        if queued:
            wake_after_commit(session, scheduler)
        await query.answer(t.plain("region.digest.coming" if queued else "region.digest.just_sent"))

    @router.callback_query(RegionCallback.filter(F.action == RegionAction.DIGEST_DAY))
    async def digest_day(query: CallbackQuery, callback_data: RegionCallback,
                         session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = in_chat(query)
        view = await access.require_coordinator(session, user.id, callback_data.region)
        await query.answer()
        await message.answer(
            t("region.digest.ask_day", region=view.region,
              day=t(f"digest.day.{view.digest_weekday}"), time=view.digest_time),
            reply_markup=views.weekdays(view.region_id, t))

    @router.callback_query(RegionCallback.filter((F.action == RegionAction.DIGEST_TIME)
                                                 & F.value.in_(digest.WEEKDAYS)))
    async def digest_time(query: CallbackQuery, callback_data: RegionCallback,
                          session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        await access.require_coordinator(session, user.id, callback_data.region)
        await query.answer()
        await message.edit_text(
            t("region.digest.ask_time", day=t(f"digest.day.{callback_data.value}")),
            reply_markup=views.times(callback_data.region, callback_data.value))

    @router.callback_query(RegionCallback.filter(
        (F.action == RegionAction.DIGEST_SET) & F.page.in_(digest.WEEKDAYS)
        & (F.value >= 0) & (F.value < len(digest.DIGEST_TIMES))))
    async def digest_set(query: CallbackQuery, callback_data: RegionCallback,
                         session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        view = await digest.set_schedule(session, user.id, callback_data.region,
                                         callback_data.page,
                                         digest.DIGEST_TIMES[callback_data.value])
        await query.answer()
        await message.edit_text(t("region.digest.saved", region=view.region,
                                        day=t(f"digest.day.{view.digest_weekday}"),
                                        time=view.digest_time))

    return router


def create_owner_router(settings: Settings) -> Router:
    router = Router(name="region_owner")
    router.message.filter(F.chat.type == "private")
    router.message.middleware(OwnerGuard(settings.admin_ids))
    router.callback_query.middleware(OwnerGuard(settings.admin_ids))

    async def link_text(bot: Bot, session: AsyncSession, region_id: int,
                        t: BoundTranslator) -> str:
        region = await access.region(session, region_id)
        token = await access.create_link(session, region_id)
        me = await bot.me()
        return t("region.owner.link", region=region.name,
                 link=invitations.deep_link(me.username, token),
                 days=access.LINK_LIFETIME.days, uses=access.LINK_USES)

    async def organisations_page(session: AsyncSession, region_id: int, page: int,
                                 t: BoundTranslator) -> tuple[str, InlineKeyboardMarkup]:
        """A page of organisations to tick: its text and keyboard."""
        region = await access.region(session, region_id)
        choices, total = await access.organisation_choices(session, region_id, page,
                                                           views.OWNER_PAGE_SIZE)
        if page and not choices:
            raise AccessDenied()
        return (t("region.owner.orgs", region=region.name, total=total),
                views.organisation_toggles(region_id, choices, page, total, t))

    @router.message(Command("newregion"))
    async def new_region(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        await state.set_state(NewRegion.name)
        await state.set_data({})
        await message.answer(t("region.owner.ask_name"))

    @router.message(NewRegion.name, F.text)
    async def name_given(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        try:
            name = access.clean_name(message.text)
        except DomainError as exc:
            await message.answer(t.with_params(exc.key, exc.params))
            return
        await state.update_data(name=name)
        await state.set_state(NewRegion.zone)
        await message.answer(t("region.owner.ask_zone"), reply_markup=views.zones(t))

    @router.message(NewRegion.name)
    async def name_not_text(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("region.owner.ask_name"))

    @router.message(NewRegion.zone)
    async def expected_zone(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("cur.use_buttons"))

    @router.callback_query(NewRegion.zone, RegionOwnerCallback.filter(
        (F.action == RegionOwnerAction.ZONE) & (F.value >= 0)
        & (F.value < len(RUSSIAN_ZONES))))
    async def zone_chosen(query: CallbackQuery, callback_data: RegionOwnerCallback,
                          state: FSMContext, session: AsyncSession, t: BoundTranslator) -> None:
        message = in_chat(query)
        name = (await state.get_data()).get("name")
        if not name:
            raise AccessDenied()
        region = await access.create_region(session, name, RUSSIAN_ZONES[callback_data.value][0])
        await state.clear()
        await query.answer()
        await message.answer(t("region.owner.created", region=region.name,
                               zone=region.timezone))
        text, markup = await organisations_page(session, region.id, 0, t)
        await message.answer(text, reply_markup=markup)

    @router.message(Command("regions"))
    async def regions(message: Message, session: AsyncSession, t: BoundTranslator) -> None:
        found = await access.all_regions(session)
        await message.answer(views.regions_text(found, t),
                             reply_markup=views.regions_keyboard(found, t) if found else None)

    @router.callback_query(RegionOwnerCallback.filter(F.action == RegionOwnerAction.ORGS))
    async def organisations(query: CallbackQuery, callback_data: RegionOwnerCallback,
                            session: AsyncSession, t: BoundTranslator) -> None:
        # the first page comes as a new message (from /regions), the others in its place
        if callback_data.page > 0:
            current = editable(query)
            text, markup = await organisations_page(session, callback_data.region,
                                                    callback_data.page, t)
            await current.edit_text(text, reply_markup=markup)
        else:
            message = in_chat(query)
            text, markup = await organisations_page(session, callback_data.region, 0, t)
            await message.answer(text, reply_markup=markup)
        await query.answer()

    @router.callback_query(RegionOwnerCallback.filter(F.action == RegionOwnerAction.TOGGLE))
    async def toggled(query: CallbackQuery, callback_data: RegionOwnerCallback,
                      session: AsyncSession, t: BoundTranslator) -> None:
        message = editable(query)
        await access.toggle_organisation(session, callback_data.region, callback_data.org)
        text, markup = await organisations_page(session, callback_data.region,
                                                callback_data.page, t)
        await message.edit_text(text, reply_markup=markup)
        await query.answer()

    @router.callback_query(RegionOwnerCallback.filter(F.action == RegionOwnerAction.LINK))
    async def link(query: CallbackQuery, callback_data: RegionOwnerCallback,
                   session: AsyncSession, t: BoundTranslator, bot: Bot) -> None:
        message = in_chat(query)
        text = await link_text(bot, session, callback_data.region, t)
        await query.answer()
        await message.answer(text)

    return router
