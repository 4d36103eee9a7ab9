"""A test issuer for SD-JWT VCs: in-process keys, one status list, resolvers for verify.py."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from onetrip.vc.jws import LocalSigner
from onetrip.vc.sdjwt import SD_JWT_VC_TYP, issue_sd_jwt, present
from onetrip.vc.status_list import Status, StatusList
from onetrip.vc.verify import ResolvedStatusList, VerificationResult, verify_presentation

ISSUER = "https://onetrip.example"
STATUS_URI = f"{ISSUER}/status-lists/1"
NOW = 1_780_000_000  # a fixed clock: 2026-05-28
AUDIENCE = "venue:hotel-1"
NONCE = "n-0S6_WzA2Mj"
RESIDENT_ID = {
    "surname": "李",
    "givenName": "小梅",
    "gender": "female",
    "birthDate": "1990-03-07",
    "ethnicity": "汉族",
    "idNumber": "330203199003071245",
    "ageOver18": True,
    "ageOver60": False,
}


@dataclass
class Issuer:
    signer: LocalSigner = field(default_factory=lambda: LocalSigner.generate("issuer-key-1"))
    status_list: StatusList = field(default_factory=lambda: StatusList(1024, bits=2))
    status_age: int = 30

    def keys(self, iss: str, header: Mapping[str, Any]) -> dict[str, Any]:
        if iss != ISSUER or header.get("kid") != self.signer.kid:
            raise LookupError(header.get("kid"))
        return self.signer.public_jwk()

    def statuses(self, uri: str) -> ResolvedStatusList:
        if uri != STATUS_URI:
            raise LookupError(uri)
        return ResolvedStatusList(self.status_list, self.status_age)

    def issue(
        self,
        holder: LocalSigner | None,
        *,
        claims: Mapping[str, Any] = RESIDENT_ID,
        idx: int = 7,
        iat: int = NOW - 3600,
        exp: int = NOW + 86400,
        **payload: Any,
    ) -> str:
        body: dict[str, Any] = {
            "iss": ISSUER,
            "vct": "https://onetrip.example/credentials/resident_id",
            "iat": iat,
            "exp": exp,
            "status": {"status_list": {"idx": idx, "uri": STATUS_URI}},
            **payload,
        }
        if holder is not None:
            body["cnf"] = {"jwk": holder.public_jwk()}
        return issue_sd_jwt(
            header={"typ": SD_JWT_VC_TYP}, payload=body, sd_claims=claims, signer=self.signer
        )

    def revoke(self, idx: int, status: Status = Status.INVALID) -> None:
        self.status_list.set(idx, status)

    def verify(
        self, presentation: str, requested: Iterable[str], **overrides: Any
    ) -> VerificationResult:
        arguments: dict[str, Any] = {
            "keys": self.keys,
            "statuses": self.statuses,
            "expected_issuer": ISSUER,
            "audience": AUDIENCE,
            "nonce": NONCE,
            "requested_claims": list(requested),
            "now": NOW,
            **overrides,
        }
        return verify_presentation(presentation, **arguments)


def presentation(
    credential: str,
    holder: LocalSigner | None,
    disclose: Iterable[str] = ("surname", "ageOver18"),
    *,
    aud: str = AUDIENCE,
    nonce: str = NONCE,
    iat: int = NOW - 5,
) -> str:
    return present(credential, disclose, holder=holder, aud=aud, nonce=nonce, iat=iat)
