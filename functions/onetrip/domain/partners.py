"""Partner cities (跨市通办): who they are, which persons' records they hold, how to reach them.

The same JSON (`PARTNERS`, written by CDK from the stage's `partners`) configures both
roles a stage plays:
- as the city where a change is registered: `districts` say whose records the partner
  holds (a person whose registry district is one of them gets a `partner:<city>` linked
  update at approval), `ackDeadlineSeconds` when to remind it;
- as the partner receiving a change: `account` says which sender a notification came from,
  `apiUrl` and `credentialsSecret` how to pull the values and acknowledge (the sender's
  API, with this city's own OAuth client).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

DEFAULT_ACK_DEADLINE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class PartnerCity:
    city: str
    districts: tuple[str, ...] = ()
    account: str | None = None
    api_url: str = ""
    # Secrets Manager name: {"tokenUrl", "clientId", "clientSecret"} of this city's client
    # at the partner's identity provider (handed over out of band, like webhook secrets).
    credentials_secret: str = ""
    ack_deadline_seconds: int = DEFAULT_ACK_DEADLINE_SECONDS

    def as_json(self) -> dict[str, Any]:
        return {
            "districts": list(self.districts),
            "account": self.account,
            "apiUrl": self.api_url,
            "credentialsSecret": self.credentials_secret,
            "ackDeadlineSeconds": self.ack_deadline_seconds,
        }


def parse(text: str) -> dict[str, PartnerCity]:
    """`PARTNERS` ({city: {...}}) -> {city: PartnerCity}; "" or "{}" is none."""
    document: dict[str, Any] = json.loads(text or "{}")
    return {
        city: PartnerCity(
            city=city,
            districts=tuple(spec.get("districts") or ()),
            account=spec.get("account"),
            api_url=str(spec.get("apiUrl") or ""),
            credentials_secret=str(spec.get("credentialsSecret") or ""),
            ack_deadline_seconds=int(
                spec.get("ackDeadlineSeconds") or DEFAULT_ACK_DEADLINE_SECONDS
            ),
        )
        for city, spec in document.items()
    }


def dump(partners: dict[str, PartnerCity]) -> str:
    return json.dumps({c: p.as_json() for c, p in sorted(partners.items())}, sort_keys=True)


def holder(partners: dict[str, PartnerCity], district: str | None) -> PartnerCity | None:
    """The partner city holding the records of a person registered in `district`."""
    if not district:
        return None
    return next((p for p in partners.values() if district in p.districts), None)


def sender(partners: dict[str, PartnerCity], account: str | None) -> PartnerCity | None:
    """The partner a cross-city event came from (EventBridge keeps the sender's account).
    The inbound rule admits partners' accounts only, so with one partner an envelope
    without `account` (moto's SQS targets drop it) is that partner's."""
    if account is None and len(partners) == 1:
        return next(iter(partners.values()))
    found = [p for p in partners.values() if p.account == account]
    return found[0] if len(found) == 1 else None
