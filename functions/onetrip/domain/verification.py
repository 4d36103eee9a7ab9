"""Cross-device verification at a venue, and the citizen's activity log (无证明城市).

A venue asks (type, claims, purpose); the request carries a fresh nonce, the venue's
audience and an expiry of at most five minutes; it accepts one presentation. The venue
reads the verdict, one result per check of API.md, and only the claims disclosed.

The checks of `onetrip.vc.verify` are finer than API.md's seven: each API check reports
the first of its parts that did not pass (`CHECK_PARTS`), so a malformed token fails
`signature` (what cannot be read cannot be shown to be signed) and a disclosure that is
not in `_sd` fails it too (that claim is not signed), with the precise reason code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from onetrip.clock import iso, parse_instant
from onetrip.vc.verify import VerificationResult

# API.md: "expiry ≤ 5 minutes"; long enough to scan and consent, short enough that a
# photographed QR code is useless by the time it is reused.
REQUEST_LIFETIME = timedelta(minutes=5)
# How long the venue can read the disclosed values after the presentation: the desk
# copies them into its own register at once; after that only the verdict stays.
VALUES_VISIBLE_FOR = timedelta(minutes=30)
# When DynamoDB may delete a finished request (TTL attribute), values and all.
KEPT_FOR = timedelta(days=1)


class VerificationStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    EXPIRED = "expired"


# API.md's checks, and the checks of onetrip.vc.verify each one stands for, in order.
CHECK_PARTS: Mapping[str, tuple[str, ...]] = {
    "signature": ("format", "signature", "disclosures"),
    "issuer": ("issuer", "credentialType"),
    "notExpired": ("notExpired",),
    "status": ("status",),
    "holderBinding": ("holderBinding", "sdHash"),
    "nonce": ("nonce",),
    "onlyRequestedClaims": ("onlyRequestedClaims",),
}
_RANK = {"invalid": 0, "error": 1, "skipped": 2, "valid": 3}


def api_checks(result: VerificationResult) -> dict[str, dict[str, str]]:
    """API.md's seven checks, each `{status, code, detail}` from its worst part (a
    `not_required` skip counts as passing: nothing was asked of it)."""
    checks: dict[str, dict[str, str]] = {}
    for name, parts in CHECK_PARTS.items():
        results = [result.check(part) for part in parts]
        relevant = [r for r in results if r.code != "not_required"] or results[:1]
        worst = min(relevant, key=lambda r: _RANK[r.status])
        checks[name] = {"status": worst.status, "code": worst.code, "detail": worst.detail}
    return checks


def failed_check(checks: Mapping[str, Mapping[str, str]]) -> str | None:
    """The API check a rejected presentation failed: the first invalid, else the first
    error."""
    for wanted in ("invalid", "error"):
        for name, check in checks.items():
            if check["status"] == wanted:
                return name
    return None


def verdict_status(result: VerificationResult) -> VerificationStatus:
    """`verified` only when every check passed; anything else is `rejected` for the venue
    (an unreachable status list cannot be shown to be fine)."""
    return VerificationStatus.VERIFIED if result.verified else VerificationStatus.REJECTED


@dataclass
class Verification:
    verification_id: str
    venue_id: str
    venue_name: str
    venue_kind: str
    type: str
    claims: list[str]
    purpose: str
    nonce: str
    audience: str
    created_at: str
    expires_at: str
    status: str = VerificationStatus.PENDING.value
    checks: dict[str, Any] | None = None
    disclosed: dict[str, Any] | None = None
    failed_check: str | None = None
    reason: str | None = None
    presented_at: str | None = None

    def status_at(self, at: datetime) -> str:
        if self.status == VerificationStatus.PENDING and parse_instant(self.expires_at) <= at:
            return VerificationStatus.EXPIRED.value
        return self.status

    def request_api(self, request_uri: str) -> dict[str, Any]:
        """What the venue gets when it creates the request."""
        return {
            "verificationId": self.verification_id,
            "status": self.status,
            "nonce": self.nonce,
            "audience": self.audience,
            "expiresAt": self.expires_at,
            "requestUri": request_uri,
            "type": self.type,
            "claims": list(self.claims),
            "purpose": self.purpose,
        }

    def wallet_api(self) -> dict[str, Any]:
        """What the wallet shows before the citizen consents (an OpenID4VP request's
        content, without its transport)."""
        return {
            "verificationId": self.verification_id,
            "venue": {"name": self.venue_name, "kind": self.venue_kind},
            "purpose": self.purpose,
            "type": self.type,
            "claims": list(self.claims),
            "nonce": self.nonce,
            "audience": self.audience,
            "expiresAt": self.expires_at,
        }

    def result_api(self, at: datetime) -> dict[str, Any]:
        """What the venue reads: the verdict, each check, and the disclosed claims only
        (for VALUES_VISIBLE_FOR after the presentation)."""
        body: dict[str, Any] = {
            "verificationId": self.verification_id,
            "status": self.status_at(at),
            "type": self.type,
            "requestedClaims": list(self.claims),
            "purpose": self.purpose,
            "createdAt": self.created_at,
            "expiresAt": self.expires_at,
            "checks": self.checks or {},
            "claims": {},
        }
        if self.presented_at:
            body["presentedAt"] = self.presented_at
            visible = parse_instant(self.presented_at) + VALUES_VISIBLE_FOR > at
            body["claims"] = dict(self.disclosed or {}) if visible else {}
            body["claimsVisibleUntil"] = iso(parse_instant(self.presented_at) + VALUES_VISIBLE_FOR)
        if self.failed_check:
            body["failedCheck"] = self.failed_check
            body["reason"] = self.reason
        return body


class ActivityResult(StrEnum):
    VERIFIED = "verified"
    REJECTED = "rejected"
    ISSUED = "issued"  # an e-proof shared with an agency or a clerk


class PartyKind(StrEnum):
    """Who learnt something: a venue of a VenueKind, or these."""

    AGENCY = "agency"
    CLERK = "clerk"
    PARTNER_CITY = "partner_city"  # 跨市通办: a partner city's system pulled a linked update


@dataclass(frozen=True)
class ActivityEntry:
    """One line of the citizen's activity log (EUDI ARF DASH_03, Estonia's Data Tracker):
    who, when, which claim names, the result. Never a value."""

    at: str
    party: str
    party_kind: str
    type: str
    claims: Sequence[str]
    result: str
    reference: str  # the verificationId, requestId or notificationId it records
    purpose: str | None = None
    legal_basis: str | None = None
    reason: str | None = None  # the failed check of a rejected presentation

    def as_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "at": self.at,
            "party": self.party,
            "partyKind": self.party_kind,
            "type": self.type,
            "claims": list(self.claims),
            "result": self.result,
            "reference": self.reference,
        }
        optional = {
            "purpose": self.purpose, "legalBasis": self.legal_basis, "failedCheck": self.reason,
        }  # fmt: skip
        body.update({k: v for k, v in optional.items() if v is not None})
        return body


@dataclass(frozen=True)
class Outcome:
    """A presentation's verdict as stored: the request's new state and the log line."""

    status: VerificationStatus
    checks: dict[str, dict[str, str]]
    disclosed: dict[str, Any] = field(default_factory=dict)
    failed: str | None = None
    reason: str | None = None


def outcome(result: VerificationResult) -> Outcome:
    checks = api_checks(result)
    status = verdict_status(result)
    if status == VerificationStatus.VERIFIED:
        return Outcome(status, checks, dict(result.claims))
    failed = failed_check(checks) or "signature"
    return Outcome(status, checks, failed=failed, reason=checks[failed]["code"])
