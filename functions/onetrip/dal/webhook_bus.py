"""The signer's two AWS dependencies: the agencies' signing secrets and the bus."""

from __future__ import annotations

import json

from onetrip.dal.aws import client, secret_bytes
from onetrip.events import EventDetail


class WebhookBus:
    def __init__(self, bus_name: str, secrets_json: str) -> None:
        self.bus_name = bus_name
        self._secrets: dict[str, str] = json.loads(secrets_json or "{}")

    def secret_of(self, agency: str) -> str:
        """The agency's Standard Webhooks secret (read once per process)."""
        if agency not in self._secrets:
            raise LookupError(f"no signing secret configured for {agency}")
        return secret_bytes(self._secrets[agency]).decode()

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
