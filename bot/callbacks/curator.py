"""CallbackData of the owner's and the curator's buttons: short prefixes, ids only.

Every id is checked again on press (bot.services.people.access): a forged or stale button naming
someone else's organisation, programme, person or material is refused and logged."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks.fields import Int32


class OrgKindCallback(CallbackData, prefix="ok"):
    kind: str


class OrgGenitiveCallback(CallbackData, prefix="og"):
    """The proposed genitive of a new organisation's name is right (it is in the state)."""


class OrgZoneCallback(CallbackData, prefix="oz"):
    index: Int32


class OrgLinkCallback(CallbackData, prefix="ol"):
    organisation_id: Int32


class NewProgrammeOrgCallback(CallbackData, prefix="npo"):
    organisation_id: Int32


class FormPickCallback(CallbackData, prefix="npf"):
    index: Int32  # index into STANDARD_FORMS; -1 done, -2 a custom form


class CadenceCallback(CallbackData, prefix="npc"):
    days: Int32


class ProgrammeAction(StrEnum):
    CARD = "card"
    RUN = "run"
    COMPLETE = "done"  # asks to confirm (it once completed at one tap)
    MATERIALS = "mats"
    COMMUNITY = "comm"  # the community link
    COMPLETE_CONFIRMED = "doneok"
    KEEP = "keep"  # a confirmation cancelled: nothing changes


class ProgrammeCallback(CallbackData, prefix="pg"):
    action: ProgrammeAction
    programme_id: Int32


class LinkAction(StrEnum):
    SHOW = "show"
    LIFETIME = "life"  # choose the lifetime
    USES = "uses"  # choose the limit of uses
    NEW = "new"
    REVOKE = "revoke"  # asks to confirm
    REVOKE_CONFIRMED = "revokeok"
    KEEP = "keep"  # the revocation cancelled


class LinkCallback(CallbackData, prefix="lk"):
    action: LinkAction
    programme_id: Int32
    role: str
    days: Int32 = 0
    uses: Int32 = 0
    invitation_id: Int32 = 0


class RegistryCallback(CallbackData, prefix="rg"):
    programme_id: Int32
    role: str = ""
    state: str = ""
    page: Int32 = 0


class ParticipantCallback(CallbackData, prefix="pc"):
    participation_id: Int32


class ExportCallback(CallbackData, prefix="rx"):
    programme_id: Int32


class BindCallback(CallbackData, prefix="bd"):
    programme_id: Int32


class MaterialAction(StrEnum):
    ADD = "add"
    DELETE = "del"  # asks to confirm
    DELETE_CONFIRMED = "delok"
    KEEP = "keep"  # the deletion cancelled


class MaterialCallback(CallbackData, prefix="mt"):
    action: MaterialAction
    programme_id: Int32
    material_id: Int32 = 0
