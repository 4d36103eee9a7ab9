"""Venues that verify credentials (无证明城市) and the one table of what each kind may ask.

Data minimisation (PIPL art. 6: no more than the purpose needs; EUDI ARF's registration
of relying parties): a venue's kind fixes which claims of which credential type it may
request. Asking for anything else is refused (403), however the request is worded.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from onetrip.domain.credential_types import CREDENTIAL_TYPES, Claim


class VenueKind(StrEnum):
    HOTEL = "hotel"  # 旅馆: guest registration (旅馆业治安管理办法 art. 6)
    INTERNET_CAFE = "internet_cafe"  # 网吧: adults only, real-name register
    POST = "post"  # 邮政/快递: real-name parcel posting
    UTILITY = "utility"  # 水电气营业厅: opening an account
    VEHICLE_INSPECTION = "vehicle_inspection"  # 机动车检测站
    SCENIC_SPOT = "scenic_spot"  # 景区: senior concessions
    WINDOW = "window"  # 政务服务窗口: the government's own counters


_NAME_AND_NUMBER = frozenset({Claim.SURNAME, Claim.GIVEN_NAME, Claim.ID_NUMBER})


def _every_claim() -> dict[str, frozenset[str]]:
    return {t.type: frozenset(c.value for c in t.claims) for t in CREDENTIAL_TYPES.values()}


def _claims(*claims: Claim) -> frozenset[str]:
    return frozenset(c.value for c in claims)


# kind -> credential type -> the claims that kind may request. The first three rows are
# API.md's examples; the others follow the registration each kind must keep by law.
MAY_ASK: Mapping[VenueKind, Mapping[str, frozenset[str]]] = {
    VenueKind.HOTEL: {
        "resident_id": _claims(Claim.SURNAME, Claim.GIVEN_NAME, Claim.ID_NUMBER, Claim.GENDER),
    },
    # 互联网上网服务营业场所管理条例 art. 21 and 23: no minors; register name and number.
    VenueKind.INTERNET_CAFE: {
        "resident_id": _claims(Claim.AGE_OVER_18, Claim.SURNAME, Claim.ID_NUMBER),
    },
    VenueKind.SCENIC_SPOT: {"resident_id": _claims(Claim.AGE_OVER_60)},
    # 快递暂行条例 art. 22: the sender's name and ID number.
    VenueKind.POST: {"resident_id": _claims(*_NAME_AND_NUMBER)},
    VenueKind.UTILITY: {
        "resident_id": _claims(*_NAME_AND_NUMBER),
        "household_register": _claims(*_NAME_AND_NUMBER, Claim.DISTRICT),
    },
    VenueKind.VEHICLE_INSPECTION: {
        "driving_licence": _claims(*_NAME_AND_NUMBER),
        "resident_id": _claims(*_NAME_AND_NUMBER),
    },
    VenueKind.WINDOW: _every_claim(),
}


def may_ask(kind: VenueKind) -> dict[str, list[str]]:
    """The kind's row of the table, as the API shows it (claims in the type's order)."""
    return {
        type_: [c.value for c in CREDENTIAL_TYPES[type_].claims if c.value in allowed]
        for type_, allowed in MAY_ASK[kind].items()
    }


def not_allowed(kind: VenueKind, type_: str, claims: Collection[str]) -> list[str]:
    """The requested claims this kind may not ask for (all of them for a type it may not
    ask about at all); empty when the request is within the table."""
    allowed = MAY_ASK[kind].get(type_, frozenset())
    return sorted(set(claims) - allowed)


@dataclass(frozen=True)
class Venue:
    venue_id: str
    name: str
    kind: VenueKind
    district: str
    created_at: str

    @property
    def audience(self) -> str:
        """The `aud` a wallet's KB-JWT names for this venue (one per venue, so a
        presentation made for one venue is worthless at another)."""
        return f"urn:onetrip:venue:{self.venue_id}"

    def kind_may_not_ask(self, type_: str, claims: Collection[str]) -> list[str]:
        return not_allowed(self.kind, type_, claims)

    def as_api(self) -> dict[str, Any]:
        return {
            "venueId": self.venue_id,
            "name": self.name,
            "kind": self.kind.value,
            "district": self.district,
            "createdAt": self.created_at,
            "mayAsk": may_ask(self.kind),
        }
