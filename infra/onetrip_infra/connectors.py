"""Per-agency connectors: how each agency learns of a linked update.

- `mirror` (the default): onetrip keeps the agency's record in its own account (an agency
  without a system of its own) — the linked-update consumer writes it.
- `webhook`: the agency runs its own system. onetrip sends it a signed notification
  (Standard Webhooks) through an EventBridge API destination; the agency pulls what it
  holds and acknowledges within `ack_deadline_minutes`.

A stage lists its webhook agencies in `onetrip_infra.stages` (`Stage.connectors`); CDK
context `connectors` (a JSON object, or a JSON string on the command line) overrides
them per agency for one synth, e.g.
`-c connectors='{"water": {"mode": "webhook", "endpoint": "https://water.example/onetrip",
"secretName": "onetrip/webhooks/water", "ackDeadlineMinutes": 240}}'`.
`rotationGraceHours` (default 24): after `onetrip ops rotate-webhook-secret`, how long the
previous signing secret still signs beside the new one (decisions.md).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from onetrip.routing import Agency

MIRROR = "mirror"
WEBHOOK = "webhook"
# A working day: an agency's batch systems run at least daily (a default, per agency).
DEFAULT_ACK_DEADLINE_MINUTES = 24 * 60
# A day for the agency to install a rotated secret; at least an hour (the signer's
# secret cache and EventBridge's retries are minutes).
DEFAULT_ROTATION_GRACE_HOURS = 24


class ConnectorError(ValueError):
    """The connector configuration is not usable."""


@dataclass(frozen=True)
class Connector:
    mode: str = MIRROR
    endpoint: str | None = None  # HTTPS URL of the agency's webhook receiver
    secret_name: str | None = None  # Secrets Manager name of the signing secret
    ack_deadline_minutes: int = DEFAULT_ACK_DEADLINE_MINUTES
    rotation_grace_hours: int = DEFAULT_ROTATION_GRACE_HOURS

    @property
    def is_webhook(self) -> bool:
        return self.mode == WEBHOOK

    @property
    def ack_deadline_seconds(self) -> int:
        return self.ack_deadline_minutes * 60


def context_object(value: Any, refuse: ValueError) -> Mapping[str, Any]:
    """A CDK context value given as JSON text (`-c key=…`) or as an object (cdk.json);
    unset or blank is empty; anything but an object raises `refuse`."""
    if value is None or value == "":
        return {}
    document = json.loads(value) if isinstance(value, str) else value
    if not isinstance(document, Mapping):
        raise refuse
    return document


def parse(value: Any) -> dict[Agency, Connector]:
    """Context `connectors` -> {agency: connector}; refuses what would not deploy."""
    document = context_object(
        value, ConnectorError("connectors must be a JSON object keyed by agency")
    )
    found: dict[Agency, Connector] = {}
    for name, spec in document.items():
        try:
            agency = Agency(name)
        except ValueError:
            raise ConnectorError(f"connectors: unknown agency {name!r}") from None
        found[agency] = _connector(agency, spec)
    return found


def _connector(agency: Agency, spec: Mapping[str, Any]) -> Connector:
    mode = spec.get("mode", MIRROR)
    if mode == MIRROR:
        return Connector()
    if mode != WEBHOOK:
        raise ConnectorError(f"connectors.{agency}: mode is mirror or webhook, not {mode!r}")
    endpoint = str(spec.get("endpoint") or "")
    # EventBridge API destinations call HTTPS endpoints only.
    if not endpoint.startswith("https://"):
        raise ConnectorError(f"connectors.{agency}: a webhook endpoint must be an https:// URL")
    deadline = int(spec.get("ackDeadlineMinutes", DEFAULT_ACK_DEADLINE_MINUTES))
    if deadline < 5:
        raise ConnectorError(f"connectors.{agency}: ackDeadlineMinutes must be at least 5")
    grace = int(spec.get("rotationGraceHours", DEFAULT_ROTATION_GRACE_HOURS))
    if grace < 1:
        raise ConnectorError(f"connectors.{agency}: rotationGraceHours must be at least 1")
    return Connector(
        mode=WEBHOOK,
        endpoint=endpoint,
        secret_name=str(spec.get("secretName") or f"onetrip/webhooks/{agency.value}"),
        ack_deadline_minutes=deadline,
        rotation_grace_hours=grace,
    )


def resolve(stage_connectors: Mapping[Agency, Connector], override: Any) -> dict[Agency, Connector]:
    """Every agency's connector: the stage's, then the context's, else mirror."""
    chosen = {**stage_connectors, **parse(override)}
    return {agency: chosen.get(agency, Connector()) for agency in Agency}
