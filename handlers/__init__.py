"""Routers, each built by a function so every test gets a fresh application."""

from __future__ import annotations

from aiogram import Router

from bot import commands as menus
from bot.config import Settings
from bot.i18n import Translator
from bot.middlewares.step_commands import StepCommandMiddleware, registered_commands
from handlers import (
    announce,
    common,
    completion,
    curator,
    curator_group,
    curator_join,
    curator_links,
    curator_materials,
    curator_new,
    curator_registry,
    digest,
    errors,
    lifecycle,
    match_prefs,
    matching,
    meetings,
    membership,
    mentor_materials,
    onboarding,
    owner,
    plan,
    practices,
    privacy,
    questionnaire,
    roadmap,
    start,
)
from handlers import (
    settings as settings_handlers,
)
from handlers.region import router as region


def create_root_router(settings: Settings, translator: Translator) -> Router:
    root = Router(name="root")
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
    root.message.outer_middleware(StepCommandMiddleware(known))
    return root
