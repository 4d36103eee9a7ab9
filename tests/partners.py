"""Two cities for tests (跨市通办): Ningbo (where changes are registered) and Zhoushan (its
partner, holding the records of persons registered in 普陀区), each the same app as its
own stage and stack in one moto. moto delivers a rule's event-bus target to that bus
itself (any account), so the cross-account rule reaches the partner's bus as in AWS.

The partner's PartnerInbox pulls and acknowledges over the home city's API; in process,
`in_process_partner_api` answers those calls from the other cloud with the partner's own
claims (`custom:agency` = `partner:<city>`), as the HTTP API would with its token.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from onetrip.handlers import wiring
from onetrip.routing import partner_party
from onetrip_local.harness import LocalCloud

from tests.builders import claims

LOCAL_ACCOUNT = "123456789012"
# CDK names the bus after its path (Onetrip-dev/Events/OnetripBus), the same in every dev
# synth; locally each stack's bus gets its stack's prefix (onetrip_local.provision).
BUS_NAME = "OnetripdevEventsOnetripBusB14F8BAF"
HOME, PARTNER = "ningbo", "zhoushan"
PARTNER_DISTRICT = "普陀区"
HOME_DISTRICT = "海曙区"
ACK_DEADLINE_MINUTES = 60


def bus_arn(stack_name: str) -> str:
    return f"arn:aws:events:us-east-1:{LOCAL_ACCOUNT}:event-bus/{stack_name}-{BUS_NAME}"


def _partner(city: str, districts: list[str]) -> dict[str, Any]:
    return {
        "account": LOCAL_ACCOUNT,
        "busArn": bus_arn(city),
        "districts": districts,
        "apiUrl": f"https://api.{city}.example.gov.cn",
        "ackDeadlineMinutes": ACK_DEADLINE_MINUTES,
    }


# The JSON string form, as `-c partners=…` passes it. Each names the other.
HOME_CONTEXT: dict[str, Any] = {
    "city": HOME,
    "partners": json.dumps({PARTNER: _partner(PARTNER, [PARTNER_DISTRICT])}, sort_keys=True),
}
PARTNER_CONTEXT: dict[str, Any] = {
    "city": PARTNER,
    "partners": json.dumps({HOME: _partner(HOME, [HOME_DISTRICT])}, sort_keys=True),
}


def start_cities() -> tuple[LocalCloud, LocalCloud]:
    home = LocalCloud.start(context=HOME_CONTEXT, stack_name=HOME)
    partner = LocalCloud.start(context=PARTNER_CONTEXT, stack_name=PARTNER)
    return home, partner


class PartnerLink:
    """What the partner's system reaches at the sender: its API, called with the
    partner's own claims. `down` makes every call fail as an unreachable host does."""

    def __init__(self, sender: LocalCloud, receiver_city: str) -> None:
        self.sender = sender
        self.party = partner_party(receiver_city)
        self.down = False
        self.calls: list[tuple[str, int]] = []

    def __call__(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        if self.down:
            raise ConnectionRefusedError("the partner's API is not reachable")
        # The sender's function runs in this process with its own environment; the
        # receiver's function resumes with its own afterwards (as in two processes).
        saved = dict(os.environ)
        try:
            result = self.sender.api(method, path, body=body, claims=claims(
                "agency", sub=f"{self.party}-system", agency=self.party))  # fmt: skip
        finally:
            for key, value in saved.items():
                if os.environ.get(key) != value:
                    os.environ[key] = value
            from onetrip.settings import get_settings

            get_settings.cache_clear()
        self.calls.append((path.rsplit("/", 1)[-1], result.status))
        return result.status, result.json


def plug_partner_api(monkeypatch: pytest.MonkeyPatch, link: PartnerLink) -> None:
    def partner_api(settings: Any, city: str) -> Callable[..., tuple[int, Any]]:
        return link

    monkeypatch.setattr(wiring, "partner_api", partner_api)
