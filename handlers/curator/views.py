"""Keyboards of the owner's and the curator's side."""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks.curator import (
    BindCallback,
    CadenceCallback,
    ExportCallback,
    FormPickCallback,
    LinkAction,
    LinkCallback,
    MaterialAction,
    MaterialCallback,
    NewProgrammeOrgCallback,
    OrgGenitiveCallback,
    OrgKindCallback,
    OrgLinkCallback,
    OrgZoneCallback,
    ParticipantCallback,
    ProgrammeAction,
    ProgrammeCallback,
    RegistryCallback,
)
from bot.i18n import BoundTranslator
from bot.services.lifecycle.completion import CompletionPreview
from bot.services.people.timezones import RUSSIAN_ZONES
from bot.services.programmes.curation import (
    CADENCES,
    DEFAULT_CADENCE,
    LINK_LIFETIMES,
    LINK_USES,
    PARTICIPANT_ROLES,
    REGISTRY_STATES,
    ProgrammeSummary,
)
from bot.services.programmes.forms import STANDARD_FORMS, form_title
from bot.services.programmes.materials import MaterialView
from bot.services.programmes.programmes import ORGANISATION_KINDS
from models import Organisation, Programme


def organisation_kinds(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for kind in ORGANISATION_KINDS:
        builder.button(text=t.plain(f"owner.kind.{kind}"), callback_data=OrgKindCallback(kind=kind))
    builder.adjust(1)
    return builder.as_markup()


def genitive_confirm(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("owner.new.genitive_ok"), callback_data=OrgGenitiveCallback())
    return builder.as_markup()


def organisation_zones(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for index, (zone, _) in enumerate(RUSSIAN_ZONES):
        builder.button(text=t.plain(f"timezone.zone.{zone}"), callback_data=OrgZoneCallback(index=index))
    builder.adjust(2)
    return builder.as_markup()


def organisation_links(t: BoundTranslator, organisations: Iterable[Organisation]
                       ) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for organisation in organisations:
        builder.button(text=t.plain("owner.orgs.link_button", name=organisation.name),
                       callback_data=OrgLinkCallback(organisation_id=organisation.id))
    builder.adjust(1)
    return builder.as_markup()


def choose_organisation(organisations: Iterable[Organisation]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for organisation in organisations:
        builder.button(text=organisation.name,
                       callback_data=NewProgrammeOrgCallback(organisation_id=organisation.id))
    builder.adjust(1)
    return builder.as_markup()


def forms_picker(t: BoundTranslator, chosen: Iterable[str]) -> InlineKeyboardMarkup:
    chosen = set(chosen)
    builder = InlineKeyboardBuilder()
    for index, form in enumerate(STANDARD_FORMS):
        mark = "✅ " if form in chosen else ""
        builder.button(text=mark + form_title(form, t), callback_data=FormPickCallback(index=index))
    builder.button(text=t.plain("cur.new.custom_button"), callback_data=FormPickCallback(index=-2))
    builder.button(text=t.plain("cur.new.forms_done"), callback_data=FormPickCallback(index=-1))
    builder.adjust(1)
    return builder.as_markup()


def cadences(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for days in CADENCES:
        key = "cur.new.cadence_default" if days == DEFAULT_CADENCE else "cur.new.cadence_days"
        builder.button(text=t.plain(key, days=days), callback_data=CadenceCallback(days=days))
    builder.adjust(2)
    return builder.as_markup()


def programme_list(programmes: Iterable[Programme]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for programme in programmes:
        builder.button(text=programme.title,
                       callback_data=ProgrammeCallback(action=ProgrammeAction.CARD, programme_id=programme.id))
    builder.adjust(1)
    return builder.as_markup()


def programme_card(t: BoundTranslator, summary: ProgrammeSummary) -> InlineKeyboardMarkup:
    pid = summary.card.id
    builder = InlineKeyboardBuilder()
    for role in PARTICIPANT_ROLES:
        builder.button(text=t.plain(f"cur.card.link_{role}"),
                       callback_data=LinkCallback(action=LinkAction.SHOW, programme_id=pid, role=role))
    if summary.next_state == "running":
        builder.button(text=t.plain("cur.card.run"),
                       callback_data=ProgrammeCallback(action=ProgrammeAction.RUN, programme_id=pid))
    elif summary.next_state == "completed":
        builder.button(text=t.plain("cur.card.complete"),
                       callback_data=ProgrammeCallback(action=ProgrammeAction.COMPLETE, programme_id=pid))
    builder.button(text=t.plain("cur.card.participants"),
                   callback_data=RegistryCallback(programme_id=pid))
    builder.button(text=t.plain("cur.card.materials"),
                   callback_data=ProgrammeCallback(action=ProgrammeAction.MATERIALS, programme_id=pid))
    builder.button(text=t.plain("cur.card.community"),
                   callback_data=ProgrammeCallback(action=ProgrammeAction.COMMUNITY, programme_id=pid))
    builder.adjust(2)
    return builder.as_markup()


def link_card(t: BoundTranslator, programme_id: int, role: str, invitation_id: int
              ) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("cur.link.new"),
                   callback_data=LinkCallback(action=LinkAction.LIFETIME, programme_id=programme_id, role=role))
    builder.button(text=t.plain("cur.link.revoke"),
                   callback_data=LinkCallback(action=LinkAction.REVOKE, programme_id=programme_id,
                                              role=role, invitation_id=invitation_id))
    builder.button(text=t.plain("cur.back"),
                   callback_data=ProgrammeCallback(action=ProgrammeAction.CARD, programme_id=programme_id))
    builder.adjust(1)
    return builder.as_markup()


def link_lifetimes(t: BoundTranslator, programme_id: int, role: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for days in LINK_LIFETIMES:
        text = t.plain("cur.link.life_days", days=days) if days else t.plain("cur.link.life_forever")
        builder.button(text=text, callback_data=LinkCallback(
            action=LinkAction.USES, programme_id=programme_id, role=role, days=days))
    builder.adjust(3)
    return builder.as_markup()


def link_uses(t: BoundTranslator, programme_id: int, role: str, days: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for uses in LINK_USES:
        text = t.plain("cur.link.uses_n", n=uses) if uses else t.plain("cur.link.uses_unlimited")
        builder.button(text=text, callback_data=LinkCallback(
            action=LinkAction.NEW, programme_id=programme_id, role=role, days=days, uses=uses))
    builder.adjust(3)
    return builder.as_markup()


def registry(t: BoundTranslator, programme_id: int, role: str, state: str, page: int,
             pages: int, rows: Iterable[tuple[int, str]]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    sizes: list[int] = []
    rows = list(rows)
    for participation_id, label in rows:
        builder.button(text=label, callback_data=ParticipantCallback(
            participation_id=participation_id))
    sizes += [1] * len(rows)
    nav = 0
    if page > 0:
        builder.button(text="◀️", callback_data=RegistryCallback(
            programme_id=programme_id, role=role, state=state, page=page - 1))
        nav += 1
    if page + 1 < pages:
        builder.button(text="▶️", callback_data=RegistryCallback(
            programme_id=programme_id, role=role, state=state, page=page + 1))
        nav += 1
    if nav:
        sizes.append(nav)
    for value in ("", *PARTICIPANT_ROLES):
        mark = "• " if value == role else ""
        builder.button(text=mark + (t.plain(f"cur.reg.role_{value}") if value else t.plain("cur.reg.all_roles")),
                       callback_data=RegistryCallback(programme_id=programme_id, role=value,
                                                      state=state))
    sizes.append(3)
    for value in ("", *REGISTRY_STATES):
        mark = "• " if value == state else ""
        builder.button(text=mark + (t.plain(f"state.{value}") if value else t.plain("cur.reg.all_states")),
                       callback_data=RegistryCallback(programme_id=programme_id, role=role,
                                                      state=value))
    sizes += [2, 2, 2]
    builder.button(text=t.plain("cur.reg.export"), callback_data=ExportCallback(programme_id=programme_id))
    builder.button(text=t.plain("cur.back"),
                   callback_data=ProgrammeCallback(action=ProgrammeAction.CARD, programme_id=programme_id))
    sizes.append(2)
    builder.adjust(*sizes)
    return builder.as_markup()


def participant_card(t: BoundTranslator, programme_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("cur.back"), callback_data=RegistryCallback(programme_id=programme_id))
    return builder.as_markup()


def materials_admin(t: BoundTranslator, programme_id: int, items: Iterable[MaterialView]
                    ) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in items:
        builder.button(text=t.plain("mat.delete_button", title=item.title[:40]),
                       callback_data=MaterialCallback(action=MaterialAction.DELETE, programme_id=programme_id,
                                                      material_id=item.id))
    builder.button(text=t.plain("mat.add_button"),
                   callback_data=MaterialCallback(action=MaterialAction.ADD, programme_id=programme_id))
    builder.button(text=t.plain("cur.back"),
                   callback_data=ProgrammeCallback(action=ProgrammeAction.CARD, programme_id=programme_id))
    builder.adjust(1)
    return builder.as_markup()


def bind_choices(programmes: Iterable[Programme]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for programme in programmes:
        builder.button(text=programme.title, callback_data=BindCallback(programme_id=programme.id))
    builder.adjust(1)
    return builder.as_markup()




def complete_question(t: BoundTranslator, found: CompletionPreview) -> str:
    """«Завершить программу?» with what it does: pairs completed, people surveyed."""
    lines = [t("cur.complete.ask", title=found.title)]
    if found.pairs:
        lines.append(t("cur.complete.ask_pairs", count=found.pairs))
        lines.append(t("cur.complete.ask_people", count=found.people))
    else:
        lines.append(t("cur.complete.ask_no_pairs"))
    lines.append(t("cur.complete.ask_after"))
    return "\n".join(lines)


def completed_text(t: BoundTranslator, found: CompletionPreview) -> str:
    lines = [t("cur.complete.done", title=found.title)]
    if found.pairs:
        lines.append(t("cur.complete.done_people", count=found.people))
    return "\n".join(lines)
