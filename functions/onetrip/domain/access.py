"""Who is calling, independent of how the claims arrived: the Caller, roles, role checks.

Logic checks roles and ownership with these; the HTTP layer (api/auth.py) builds a Caller
from the JWT claims that API Gateway's authorizer has already verified (API.md, "Roles").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from onetrip.errors import Forbidden, Unauthorized


class Role(StrEnum):
    REGISTRAR = "registrar"
    CLERK = "clerk"
    APPROVER = "approver"
    AGENCY = "agency"
    CITIZEN = "citizen"
    PETITION_OFFICE = "petition_office"  # 信访部门
    LEADER = "leader"  # 分管领导
    HANDLING_UNIT = "handling_unit"  # 承办单位
    LEADING_GROUP = "leading_group"  # 领导小组
    OPS = "ops"
    ISSUER_ADMIN = "issuer_admin"  # 无证明城市: keys, catalogue, venues
    VENUE = "venue"  # a registered venue's system (custom:venue)


@dataclass(frozen=True)
class Caller:
    sub: str
    roles: frozenset[str]
    agency: str | None = None
    unit: str | None = None
    id_number: str | None = None
    district: str | None = None
    venue: str | None = None  # custom:venue: the registered venue a venue system is

    def has(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    def require(self, *roles: Role) -> None:
        if not self.has(*roles):
            allowed = ", ".join(roles)
            raise Forbidden(detail=f"This action needs one of the roles: {allowed}.")

    @property
    def is_only_citizen(self) -> bool:
        """A citizen with no staff role: sees only their own records."""
        return Role.CITIZEN in self.roles and not (self.roles - {Role.CITIZEN})


def parse_groups(raw: Any) -> frozenset[str]:
    """`cognito:groups` as a list, or as HTTP API passes array claims: "[a b]"."""
    if raw is None:
        return frozenset()
    if isinstance(raw, list | tuple | set | frozenset):
        return frozenset(str(g) for g in raw)
    text = str(raw).strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return frozenset(part.strip().strip('"') for part in text.replace(",", " ").split() if part)


def caller_from_claims(claims: Mapping[str, Any] | None) -> Caller:
    if not claims or not claims.get("sub"):
        raise Unauthorized(detail="A valid bearer token is required.")
    return Caller(
        sub=str(claims["sub"]),
        roles=parse_groups(claims.get("cognito:groups")),
        agency=claims.get("custom:agency"),
        unit=claims.get("custom:unit"),
        id_number=claims.get("custom:idNumber"),
        district=claims.get("custom:district"),
        venue=claims.get("custom:venue"),
    )
