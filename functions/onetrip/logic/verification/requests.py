"""Cross-device verification (无证明城市): the venue asks, the wallet presents, the venue
reads the verdict, check by check, and only what was disclosed.

One presentation per request: the verdict is recorded under the condition that the
request is still pending and unexpired, in the same transaction as the citizen's activity
entry, so a replay is refused and no presentation is ever missing from the log.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from aws_lambda_powertools import Logger

from onetrip.clock import iso, new_id
from onetrip.dal.models import TransactionCancelled, transact
from onetrip.domain.access import Caller, Role
from onetrip.domain.credential_types import CREDENTIAL_TYPES
from onetrip.domain.verification import (
    REQUEST_LIFETIME,
    ActivityEntry,
    Verification,
    VerificationStatus,
    outcome,
)
from onetrip.errors import Conflict, Forbidden, NotFound, invalid
from onetrip.logic.verification.stores import VerificationStores
from onetrip.logic.verification.venues import calling_venue
from onetrip.vc.verify import verify_presentation

logger = Logger(child=True)

_NO_REQUEST = "No such verification request."
NONCE_BYTES = 16  # 128 bits from `secrets`: never guessed, never repeated


def create(
    stores: VerificationStores,
    caller: Caller,
    *,
    type_: str,
    claims: Sequence[str],
    purpose: str,
    at: datetime,
) -> Verification:
    venue = calling_venue(stores, caller)
    kind = CREDENTIAL_TYPES.get(type_)
    if kind is None:
        raise invalid("type", f"Unknown credential type; known: {', '.join(CREDENTIAL_TYPES)}.")
    offered = {c.value for c in kind.claims}
    unknown = [c for c in claims if c not in offered]
    if unknown:
        raise invalid("claims", f"{kind.type} has no claim(s): {', '.join(unknown)}.")
    if len(set(claims)) != len(claims):
        raise invalid("claims", "A claim is asked for twice.")
    refused = venue.kind_may_not_ask(type_, claims)
    if refused:
        raise Forbidden(
            detail=f"A {venue.kind.value} may not ask for {', '.join(refused)} "
            f"of a {kind.type} (data minimisation)."
        )
    verification = Verification(
        verification_id=new_id("ver"),
        venue_id=venue.venue_id,
        venue_name=venue.name,
        venue_kind=venue.kind.value,
        type=kind.type,
        claims=list(claims),
        purpose=purpose,
        nonce=secrets.token_urlsafe(NONCE_BYTES),
        audience=venue.audience,
        created_at=iso(at),
        expires_at=iso(at + REQUEST_LIFETIME),
    )
    stores.verifications.put_new(verification)
    return verification


def for_venue(stores: VerificationStores, caller: Caller, verification_id: str) -> Verification:
    """A venue reads only its own requests (404 for any other)."""
    caller.require(Role.VENUE)
    verification = stores.verifications.get(verification_id)
    if verification is None or not caller.venue or verification.venue_id != caller.venue:
        raise NotFound(detail=_NO_REQUEST)
    return verification


def for_wallet(stores: VerificationStores, caller: Caller, verification_id: str) -> Verification:
    """The request as a wallet shows it before consent; the id (from the QR code) is the
    citizen's only way to it."""
    caller.require(Role.CITIZEN)
    verification = stores.verifications.get(verification_id)
    if verification is None:
        raise NotFound(detail=_NO_REQUEST)
    return verification


def present(
    stores: VerificationStores,
    caller: Caller,
    verification_id: str,
    *,
    presentation: str,
    at: datetime,
) -> Verification:
    """Verify the presentation against the request and record the verdict and the
    citizen's activity entry together (409 for a second presentation or a late one)."""
    caller.require(Role.CITIZEN)
    verification = for_wallet(stores, caller, verification_id)
    _still_open(verification, at)
    person_id = _citizen(stores, caller)
    result = verify_presentation(
        presentation,
        keys=stores.keys,
        statuses=stores.statuses,
        expected_issuer=stores.issuer_url,
        audience=verification.audience,
        nonce=verification.nonce,
        requested_claims=verification.claims,
        expected_vct=CREDENTIAL_TYPES[verification.type].vct,
        now=int(at.timestamp()),
    )
    verdict = outcome(result)
    entry = ActivityEntry(
        at=iso(at),
        party=verification.venue_name,
        party_kind=verification.venue_kind,
        type=verification.type,
        claims=list(verification.claims),
        result=verdict.status.value,
        purpose=verification.purpose,
        reference=verification.verification_id,
        reason=verdict.failed,
    )
    try:
        transact(
            [
                stores.verifications.answer(verification, verdict, at=at),
                stores.activity.entry(person_id, entry),
            ]
        )
    except TransactionCancelled as cancelled:
        if "answered" not in cancelled.failed:
            raise
        fresh = stores.verifications.get(verification_id)
        assert fresh is not None
        _still_open(fresh, at)
        raise Conflict(detail="This request has already been answered.") from None
    logger.info(
        "presentation verified",
        extra={"verificationId": verification_id, "status": verdict.status.value,
               "failedCheck": verdict.failed, "reason": verdict.reason},
    )  # fmt: skip
    return replace(
        verification, status=verdict.status.value, checks=verdict.checks,
        disclosed=verdict.disclosed or None, failed_check=verdict.failed, reason=verdict.reason,
        presented_at=iso(at),
    )  # fmt: skip


def _still_open(verification: Verification, at: datetime) -> None:
    status = verification.status_at(at)
    if status == VerificationStatus.EXPIRED:
        raise Conflict(detail=f"This request expired at {verification.expires_at}; ask the "
                       "venue for a new one.")  # fmt: skip
    if status != VerificationStatus.PENDING:
        raise Conflict(detail="This request has already been answered.")


def _citizen(stores: VerificationStores, caller: Caller) -> str:
    resolved = stores.registry.resolve(caller.id_number) if caller.id_number else None
    if resolved is None:
        raise NotFound(detail="You are not in the household registry.")
    return resolved[0]
