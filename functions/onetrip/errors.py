"""Domain errors. Logic raises these; the API layer maps them to RFC 9457 problems."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


@dataclass
class DomainError(Exception):
    detail: str
    errors: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        return self.detail


class InvalidInput(DomainError):
    """Well-formed but breaks a rule (422)."""


class MalformedInput(DomainError):
    """Not parseable as the expected JSON (400)."""


class NotFound(DomainError):
    """Unknown id, or not visible to this caller (404)."""


class Conflict(DomainError):
    """The request clashes with the current state (409)."""


class StaleRead(Conflict):
    """Something read for the change moved before it committed: read again and retry."""


class Forbidden(DomainError):
    """Authenticated, but the role does not allow this (403)."""


class Unauthorized(DomainError):
    """No usable identity (401)."""


def invalid(field_name: str, message: str) -> InvalidInput:
    return InvalidInput(detail=message, errors=[FieldError(field_name, message)])
