"""Domain errors that handlers turn into translated answers."""

from __future__ import annotations


class DomainError(Exception):
    """An expected refusal; `key` is the translation key of the answer, `params` its values."""

    key = "error.generic"

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
