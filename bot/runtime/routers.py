"""The root router: every feature's routers in the order updates try them, each built by a function
so every test gets a fresh application."""

from __future__ import annotations

from aiogram import Router

from bot.config import Settings
from bot.i18n import Translator
from bot.runtime.middlewares.step_commands import StepCommandMiddleware, registered_commands
from bot.telegram import commands as menus
from bot.telegram.tuning import indexed_router_class
from handlers.channel import router as channel
from handlers.curator import announce, completion, digest, lifecycle, owner, practices
from handlers.curator import card as curator
from handlers.curator import group as curator_group
from handlers.curator import links as curator_links
from handlers.curator import materials as curator_materials
from handlers.curator import new_programme as curator_new
from handlers.curator import registry as curator_registry
from handlers.dashboard import router as dashboard
from handlers.general import common, errors, membership, privacy
from handlers.general import settings as settings_handlers
from handlers.matching import plan
from handlers.matching import prefs as match_prefs
from handlers.matching import router as matching
from handlers.meetings import materials as mentor_materials
from handlers.meetings import router as meetings
from handlers.onboarding import curator_join, start
from handlers.onboarding import router as onboarding
from handlers.region import router as region
from handlers.roadmap import router as roadmap
from handlers.shared.persistent_keyboard import all_labels
from handlers.surveys import router as questionnaire


def create_root_router(settings: Settings, translator: Translator) -> Router:
    # An update visits only the routers that could take it (bot/telegram/tuning.py,
    # router_index); a router added below needs nothing more than its line here.
    root = indexed_router_class()(name="root")
    root.include_routers(
        errors.create_router(settings, translator),
        membership.create_router(),
        common.create_cancel_router(),
        region.create_join_router(),  # a region's link, before the programmes' links
        onboarding.create_router(),
        start.create_router(),
        settings_handlers.create_router(),
        privacy.create_router(),
        curator_join.create_router(),
        owner.create_router(settings),
        region.create_owner_router(settings),
        region.create_coordinator_router(),
        digest.create_router(),
        announce.create_router(),
        curator.create_router(),  # its commands before the curator flows below
        dashboard.create_router(),
        curator_links.create_router(),
        curator_registry.create_router(),
        curator_new.create_router(translator, curator.send_card),
        curator_materials.create_router(),
        curator_group.create_router(),
        matching.create_router(translator),
        plan.create_router(),
        match_prefs.create_router(),
        mentor_materials.create_router(),
        meetings.create_router(translator),
        channel.create_router(translator),
        lifecycle.create_router(translator),
        completion.create_router(),
        practices.create_router(),
        questionnaire.create_router(),
        roadmap.create_router(),
        common.create_fallback_router(),
    )
    # Ahead of every step handler: a command typed at a step is never taken as its answer.
    known = registered_commands(root) | {*menus.EVERYONE, *menus.CURATOR, *menus.OWNER,
                                         *menus.COORDINATOR}
    root.message.outer_middleware(StepCommandMiddleware(known, all_labels(translator)))
    return root
