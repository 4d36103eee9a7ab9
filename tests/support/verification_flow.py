"""A venue desk and a citizen's wallet, written with pyjwt, hashlib and cryptography (not
the code under test): they build presentations byte by byte, so a test can spoil exactly
one part of one and keep every other part valid (a fresh KB-JWT over what is sent)."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

from tests.builders import claims
from tests.support.wallet_flow import b64url

ISSUER_ADMIN = claims("issuer_admin")
HOTEL_CLAIMS = ["surname", "givenName", "idNumber", "gender"]  # API.md: hotel's row


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def disclosure_name(encoded: str) -> str:
    return str(json.loads(b64url(encoded))[1])


def parts_of(credential: str) -> tuple[str, list[str]]:
    """An issued SD-JWT (`<jwt>~<d1>~…~`) as (issuer JWT, disclosures)."""
    issuer_jwt, *rest = credential.split("~")
    return issuer_jwt, [d for d in rest if d]


def kb_jwt(key: ec.EllipticCurvePrivateKey, sd: str, *, aud: str, nonce: str,
           iat: int | None = None) -> str:  # fmt: skip
    """RFC 9901 §4.3: the holder's KB-JWT over `sd` (everything up to the last `~`)."""
    payload = {
        "iat": int(time.time()) if iat is None else iat,
        "aud": aud,
        "nonce": nonce,
        "sd_hash": b64(hashlib.sha256(sd.encode("ascii")).digest()),
    }
    return jwt.encode(payload, key, algorithm="ES256", headers={"typ": "kb+jwt"})


def assemble(key: ec.EllipticCurvePrivateKey, issuer_jwt: str, disclosures: Sequence[str], *,
             aud: str, nonce: str, iat: int | None = None) -> str:  # fmt: skip
    sd = "~".join([issuer_jwt, *disclosures]) + "~"
    return sd + kb_jwt(key, sd, aud=aud, nonce=nonce, iat=iat)


def present(key: ec.EllipticCurvePrivateKey, credential: str, disclose: Sequence[str], *,
            aud: str, nonce: str) -> str:  # fmt: skip
    issuer_jwt, disclosures = parts_of(credential)
    chosen = [d for d in disclosures if disclosure_name(d) in disclose]
    return assemble(key, issuer_jwt, chosen, aud=aud, nonce=nonce)


@dataclass
class VenueDesk:
    """A registered venue and the calls its system makes."""

    cloud: Any
    venue: dict[str, Any]

    @classmethod
    def register(cls, cloud: Any, kind: str = "hotel", name: str = "江北宾馆") -> VenueDesk:
        body = {"name": name, "kind": kind, "district": "江北区"}
        result = cloud.api("POST", "/venues", body=body, claims=ISSUER_ADMIN)
        assert result.status == 201, result.json
        return cls(cloud, result.json)

    @property
    def caller(self) -> dict[str, Any]:
        return claims("venue", sub=f"desk-{self.venue['venueId']}", venue=self.venue["venueId"])

    def ask(self, claims_: Sequence[str] = tuple(HOTEL_CLAIMS), type_: str = "resident_id",
            purpose: str = "入住登记") -> Any:  # fmt: skip
        body = {"type": type_, "claims": list(claims_), "purpose": purpose}
        return self.cloud.api("POST", "/verifications", body=body, claims=self.caller)

    def asked(self, claims_: Sequence[str] = tuple(HOTEL_CLAIMS)) -> dict[str, Any]:
        result = self.ask(claims_)
        assert result.status == 201, result.json
        return dict(result.json)

    def result(self, verification_id: str) -> Any:
        return self.cloud.api("GET", f"/verifications/{verification_id}", claims=self.caller)


def send(cloud: Any, verification_id: str, citizen: dict[str, Any], presentation: Any) -> Any:
    return cloud.api(
        "POST", f"/verifications/{verification_id}/presentation",
        body={"presentation": presentation}, claims=citizen,
    )  # fmt: skip
