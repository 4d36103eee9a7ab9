"""Standard Webhooks (standardwebhooks.com): signing a notification and verifying one.

Pure: no AWS, no I/O; the clock and the replay memory are passed in. The signer Lambda,
the agency simulator and any receiver an agency builds on this module share one
implementation of the checks, so "forged, stale or replayed is rejected" is proven once.

The signature covers `<webhook-id>.<webhook-timestamp>.<body>` (HMAC-SHA256, base64,
`v1,` prefix); the body is the exact bytes sent, so the sender serializes it once,
canonically (sorted keys, no spaces, ASCII only), and every hop forwards those bytes.
"""

from __future__ import annotations

import hmac
import json
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from standardwebhooks import Webhook

# The spec's recommended tolerance: a timestamp more than five minutes from the
# receiver's clock is refused, which bounds how long a replay cache must remember ids.
TOLERANCE_SECONDS = 5 * 60

HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")

# What a notification may carry: ids and field names (API.md, "Agencies with their own
# systems"). Anything else is refused before signing, so no value can travel.
NOTIFICATION_FIELDS = frozenset(
    {"notificationId", "applicationId", "agency", "changedFields", "registryVersion"}
)


def canonical_body(payload: Mapping[str, Any]) -> str:
    """The one serialization that is signed and sent (sorted keys, compact, ASCII)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def notification_body(payload: Mapping[str, Any]) -> str:
    """A notification's body; refuses any key outside the contract's five."""
    extra = set(payload) - NOTIFICATION_FIELDS
    missing = NOTIFICATION_FIELDS - set(payload)
    if extra or missing:
        raise ValueError(
            f"a notification carries exactly {sorted(NOTIFICATION_FIELDS)}; "
            f"extra {sorted(extra)}, missing {sorted(missing)}"
        )
    return canonical_body(payload)


def sign(secrets: str | Sequence[str], webhook_id: str, at: datetime, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers for `body` sent as message `webhook_id` at `at`.
    Several secrets (a rotation) give several space-separated signatures, in that order."""
    keys = (secrets,) if isinstance(secrets, str) else tuple(secrets)
    if not keys:
        raise ValueError("signing needs at least one secret")
    signatures = [Webhook(key).sign(msg_id=webhook_id, timestamp=at, data=body) for key in keys]
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


@dataclass(frozen=True)
class SigningKeys:
    """An agency's secret versions (Secrets Manager AWSCURRENT / AWSPREVIOUS) and the
    rotation rule: the previous secret also signs until `grace` after the current one was
    created, so an agency that has not yet installed the new secret keeps verifying."""

    current: str
    current_since: datetime  # the current version's CreatedDate: when the rotation was made
    previous: str | None = None
    grace: timedelta = timedelta(hours=24)

    def at(self, moment: datetime) -> tuple[str, ...]:
        """The secrets to sign with at `moment`: the current one first."""
        in_window = moment < self.current_since + self.grace
        if self.previous and self.previous != self.current and in_window:
            return (self.current, self.previous)
        return (self.current,)


class Rejection(StrEnum):
    """Why a delivery was refused (frozen codes: receivers log and count them)."""

    MISSING_HEADERS = "missing_headers"
    BAD_SIGNATURE = "bad_signature"
    STALE = "stale"  # timestamp outside the tolerance (too old or too new)
    REPLAYED = "replayed"  # this webhook-id was accepted before
    BAD_BODY = "bad_body"  # authentic, but not a JSON object


class Rejected(Exception):
    def __init__(self, reason: Rejection) -> None:
        super().__init__(reason.value)
        self.reason = reason


class SeenIds(Protocol):
    def first_time(self, webhook_id: str, at: float) -> bool:
        """Remember `webhook_id`; False when it was remembered already."""


class MemorySeenIds:
    """Ids seen within the last 2 x tolerance (older ones are refused as stale anyway)."""

    def __init__(self, horizon_seconds: float = 2 * TOLERANCE_SECONDS) -> None:
        self._seen: dict[str, float] = {}
        self._horizon = horizon_seconds
        self._lock = threading.Lock()

    def first_time(self, webhook_id: str, at: float) -> bool:
        with self._lock:
            self._seen = {k: t for k, t in self._seen.items() if at - t < self._horizon}
            if webhook_id in self._seen:
                return False
            self._seen[webhook_id] = at
            return True


@dataclass
class Receiver:
    """Verifies deliveries: signature, freshness, then replay. `secret` is one shared
    secret or several (during a rotation the agency installs the new one beside the old):
    a delivery is authentic when any listed signature verifies with any of them."""

    secret: str | Sequence[str]
    seen: SeenIds
    clock: Callable[[], float] = time.time
    tolerance_seconds: int = TOLERANCE_SECONDS

    def verify(self, body: bytes | str, headers: Mapping[str, str]) -> dict[str, Any]:
        """The payload of an authentic, fresh, first-seen delivery; else `Rejected`."""
        text = body.decode() if isinstance(body, bytes) else body
        lower = {k.lower(): v for k, v in headers.items()}
        if not all(lower.get(name) for name in HEADERS):
            raise Rejected(Rejection.MISSING_HEADERS)
        try:
            stamp = int(lower["webhook-timestamp"])
        except ValueError:
            raise Rejected(Rejection.STALE) from None
        now = self.clock()
        if abs(now - stamp) > self.tolerance_seconds:
            raise Rejected(Rejection.STALE)
        if not self._signed(text, lower, stamp):
            raise Rejected(Rejection.BAD_SIGNATURE)
        if not self.seen.first_time(lower["webhook-id"], now):
            raise Rejected(Rejection.REPLAYED)
        try:
            payload = json.loads(text)
        except ValueError:
            raise Rejected(Rejection.BAD_BODY) from None
        if not isinstance(payload, dict):
            raise Rejected(Rejection.BAD_BODY)
        return payload

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.secret,) if isinstance(self.secret, str) else tuple(self.secret)

    def _signed(self, text: str, headers: Mapping[str, str], stamp: int) -> bool:
        at = datetime.fromtimestamp(stamp, UTC)
        expected = [
            sign(secret, headers["webhook-id"], at, text)["webhook-signature"]
            for secret in self.secrets
        ]
        # The header may list several signatures (key rotation): any v1 match with any of
        # our secrets counts; an entry that matches nothing (forged, other version, junk)
        # adds nothing, since each signature covers the id, timestamp and body.
        # The library's own verify() reads the wall clock and raises ValueError on a
        # malformed entry, so the comparison is made here, on its sign().
        offered = [entry for entry in headers["webhook-signature"].split(" ") if entry]
        return any(_same(e, candidate) for e in expected for candidate in offered)


def _same(expected: str, candidate: str) -> bool:
    return hmac.compare_digest(expected.encode(), candidate.strip().encode())


__all__ = [
    "HEADERS",
    "MemorySeenIds",
    "Receiver",
    "Rejected",
    "Rejection",
    "SeenIds",
    "SigningKeys",
    "canonical_body",
    "notification_body",
    "sign",
]
