"""The signer's two AWS dependencies: the agencies' signing secrets and the bus."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from onetrip.dal.aws import client
from onetrip.domain.webhooks import SigningKeys
from onetrip.events import EventDetail

# How long a warm signer trusts what it read from Secrets Manager (the AWS caching
# extension's default): a rotation is signed with within this long (operations.md).
SECRET_CACHE_SECONDS = 300
DEFAULT_GRACE_SECONDS = 24 * 3600

_cache: dict[str, tuple[float, SigningKeys]] = {}  # secret id -> (read at, keys)
_lock = threading.Lock()


def forget_signing_keys() -> None:
    """Drop what was read (what SECRET_CACHE_SECONDS does by itself; for tests)."""
    with _lock:
        _cache.clear()


class WebhookBus:
    def __init__(self, bus_name: str, secrets_json: str, grace_json: str = "{}") -> None:
        self.bus_name = bus_name
        self._secrets: dict[str, str] = json.loads(secrets_json or "{}")
        self._grace: dict[str, int] = json.loads(grace_json or "{}")

    def signing_keys(self, agency: str) -> SigningKeys:
        """The agency's Standard Webhooks secrets, AWSCURRENT and (if any) AWSPREVIOUS,
        read at most every SECRET_CACHE_SECONDS per process."""
        if agency not in self._secrets:
            raise LookupError(f"no signing secret configured for {agency}")
        secret_id = self._secrets[agency]
        grace = timedelta(seconds=int(self._grace.get(agency, DEFAULT_GRACE_SECONDS)))
        with _lock:
            cached = _cache.get(secret_id)
        if cached and time.monotonic() - cached[0] < SECRET_CACHE_SECONDS:
            return replace(cached[1], grace=grace)
        keys = _read(secret_id, grace)
        with _lock:
            _cache[secret_id] = (time.monotonic(), keys)
        return keys

    def secrets_at(self, agency: str, at: datetime) -> tuple[str, ...]:
        """The secrets to sign with at `at` (the current one first)."""
        return self.signing_keys(agency).at(at)

    def put(self, event: EventDetail) -> None:
        """Put one event on the bus; raises unless EventBridge accepted it."""
        response = client("events").put_events(
            Entries=[
                {
                    "Source": event.source,
                    "DetailType": event.detail_type,
                    "Detail": event.to_json(),
                    "EventBusName": self.bus_name,
                }
            ]
        )
        if response.get("FailedEntryCount"):
            raise RuntimeError(f"event not accepted: {response['Entries'][0].get('ErrorCode')}")


def _read(secret_id: str, grace: timedelta) -> SigningKeys:
    # VersionStage is always named: the signer's grant is limited to these two stages.
    secrets = client("secretsmanager")
    current = secrets.get_secret_value(SecretId=secret_id, VersionStage="AWSCURRENT")
    try:
        previous: dict[str, Any] | None = secrets.get_secret_value(
            SecretId=secret_id, VersionStage="AWSPREVIOUS"
        )
    except secrets.exceptions.ResourceNotFoundException:
        previous = None  # never rotated
    return SigningKeys(
        current=str(current["SecretString"]),
        current_since=created_at(current["CreatedDate"]),
        previous=str(previous["SecretString"]) if previous else None,
        grace=grace,
    )


def created_at(value: Any) -> datetime:
    """A secret version's CreatedDate (a datetime from boto3, epoch seconds in raw JSON)
    as an aware UTC instant."""
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromtimestamp(float(value), UTC)
