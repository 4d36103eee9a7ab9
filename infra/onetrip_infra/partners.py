"""Partner cities (跨市通办): another stage of this app, in its own account, whose agencies
hold the records of some of our registry's persons (by registry district).

For each partner the stack gets a rule forwarding `AgencyNotificationDue` for
`partner:<city>` to the partner's bus (a cross-account `EventBus` target, with a role and
a DLQ), and a statement in our bus's policy letting the partner's account put its own
notifications to us (the same rule, in its stack). Every stage with partners also runs a
`PartnerInbox` consumer for what partners send it (constructs/partner_cities.py).

A stage lists its partners in `onetrip_infra.stages` (`Stage.partners`); CDK context
`partners` (a JSON object, or a JSON string on the command line) overrides them for one
synth, e.g. `-c partners='{"zhoushan": {"account": "222222222222", "region":
"cn-north-1", "busArn": "arn:aws-cn:events:cn-north-1:222222222222:event-bus/Onetrip…",
"districts": ["普陀区"], "apiUrl": "https://api.zhoushan.example.gov.cn"}}'`, and `city`
names this stage's own city.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from onetrip.domain.partners import PartnerCity

from onetrip_infra.connectors import context_object

DEFAULT_ACK_DEADLINE_MINUTES = 24 * 60
_CITY = re.compile(r"^[a-z][a-z0-9]{1,30}$")
_BUS_ARN = re.compile(r"^arn:aws(-cn)?:events:([a-z0-9-]+):(\d{12}):event-bus/[A-Za-z0-9._\-/]+$")


class PartnerError(ValueError):
    """The partner configuration is not usable."""


@dataclass(frozen=True)
class Partner:
    city: str
    account: str
    region: str
    bus_arn: str  # the partner stack's OnetripBus (its output)
    districts: tuple[str, ...]  # registry districts whose persons' records the partner holds
    api_url: str  # the partner's HTTP API (we pull and acknowledge there)
    credentials_secret: str  # our OAuth client at the partner's identity provider
    ack_deadline_minutes: int = DEFAULT_ACK_DEADLINE_MINUTES

    def for_functions(self) -> PartnerCity:
        return PartnerCity(
            city=self.city,
            districts=self.districts,
            account=self.account,
            api_url=self.api_url,
            credentials_secret=self.credentials_secret,
            ack_deadline_seconds=self.ack_deadline_minutes * 60,
        )


def parse(value: Any) -> dict[str, Partner]:
    """Context `partners` -> {city: Partner}; refuses what would not deploy."""
    document = context_object(value, PartnerError("partners must be a JSON object keyed by city"))
    return {str(city): _partner(str(city), spec) for city, spec in document.items()}


def _partner(city: str, spec: Mapping[str, Any]) -> Partner:
    if not _CITY.match(city):
        raise PartnerError(f"partners: {city!r} is not a city name (lower-case letters)")
    arn = str(spec.get("busArn") or "")
    found = _BUS_ARN.match(arn)
    if found is None:
        raise PartnerError(f"partners.{city}: busArn must be an event bus ARN")
    account, region = (
        str(spec.get("account") or found.group(3)),
        str(spec.get("region") or found.group(2)),
    )
    if (found.group(3), found.group(2)) != (account, region):
        raise PartnerError(f"partners.{city}: busArn is not in the partner's account and region")
    districts = tuple(str(d) for d in spec.get("districts") or ())
    if not districts:
        raise PartnerError(f"partners.{city}: districts must name at least one district")
    api_url = str(spec.get("apiUrl") or "")
    if not api_url.startswith(("https://", "http://127.0.0.1")):
        raise PartnerError(f"partners.{city}: apiUrl must be an https:// URL")
    deadline = int(spec.get("ackDeadlineMinutes", DEFAULT_ACK_DEADLINE_MINUTES))
    if deadline < 5:
        raise PartnerError(f"partners.{city}: ackDeadlineMinutes must be at least 5")
    return Partner(
        city=city,
        account=account,
        region=region,
        bus_arn=arn,
        districts=districts,
        api_url=api_url,
        credentials_secret=str(spec.get("credentialsSecret") or f"onetrip/partners/{city}"),
        ack_deadline_minutes=deadline,
    )
