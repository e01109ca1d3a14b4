"""Domain errors that handlers turn into translated answers."""

from __future__ import annotations


class DomainError(Exception):
    """An expected refusal; `key` is the translation key of the answer, `params` its values."""

    key = "error.generic"
    alert = True  # on a button: a dialog the person closes (False: a passing notice)

    def __init__(self, key: str | None = None, **params: object) -> None:
        super().__init__(key or self.key)
        if key:
            self.key = key
        self.params = params


class AccessDenied(DomainError):
    """The person may not do this, or the object is not theirs. Always the same answer, so a
    forged button learns nothing about what exists."""

    key = "access.denied"


class InvitationInvalid(DomainError):
    key = "invite.invalid"


class CuratorCommandOnly(AccessDenied):
    """A curator's command from someone who curates nothing."""

    key = "access.curator_only"


class OwnerCommandOnly(AccessDenied):
    """An owner's command from someone else."""

    key = "access.owner_only"


class StaleButton(AccessDenied):
    """A button no handler takes now: a step that is over, an old keyboard, a forged one."""

    key = "access.stale"
    alert = False  # often a double tap: a notice, not a dialog
