"""Drives the wallet like the citizen app and the window would, and reads what an
independent verifier reads: the issuer JWT (checked with pyjwt), the disclosures (hashed
here with hashlib), the published status list (inflated here with zlib)."""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

from tests.builders import CLERK, claims


def b64url(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def citizen(person: dict[str, Any], sub: str = "citizen-1") -> dict[str, Any]:
    return claims("citizen", sub=sub, idNumber=person["idNumber"])


def holder_key() -> tuple[ec.EllipticCurvePrivateKey, dict[str, Any]]:
    key = ec.generate_private_key(ec.SECP256R1())
    numbers = key.public_key().public_numbers()
    jwk = {
        "kty": "EC",
        "crv": "P-256",
        "x": base64.urlsafe_b64encode(numbers.x.to_bytes(32, "big")).rstrip(b"=").decode(),
        "y": base64.urlsafe_b64encode(numbers.y.to_bytes(32, "big")).rstrip(b"=").decode(),
    }
    return key, jwk


class Wallet:
    def __init__(self, cloud: Any) -> None:
        self.cloud = cloud

    def issue(self, caller: dict[str, Any], **body: Any) -> Any:
        return self.cloud.api("POST", "/credentials", body=body, claims=caller)

    def issued(self, person: dict[str, Any], type_: str = "resident_id", **body: Any) -> Any:
        result = self.issue(CLERK, type=type_, personId=person["personId"], **body)
        assert result.status == 201, result.json
        return result.json

    def get(self, credential_id: str, caller: dict[str, Any]) -> Any:
        return self.cloud.api("GET", f"/credentials/{credential_id}", claims=caller)

    def list(self, caller: dict[str, Any]) -> list[dict[str, Any]]:
        result = self.cloud.api("GET", "/credentials", claims=caller)
        assert result.status == 200, result.json
        return list(result.json)

    def revoke(self, credential_id: str, caller: dict[str, Any], reason: str = "lost") -> Any:
        return self.cloud.api(
            "POST", f"/credentials/{credential_id}/revocation", body={"reason": reason},
            claims=caller,
        )  # fmt: skip

    def jwks(self) -> dict[str, Any]:
        result = self.cloud.api("GET", "/.well-known/jwt-vc-issuer")
        assert result.status == 200, result.text
        return dict(result.json)

    def verified_payload(self, sd_jwt: str) -> dict[str, Any]:
        """The issuer JWT's payload, its ES256 signature checked by pyjwt with the key
        the issuer metadata publishes under the header's kid."""
        token = sd_jwt.split("~", 1)[0]
        header = jwt.get_unverified_header(token)
        assert header["typ"] == "dc+sd-jwt" and header["alg"] == "ES256"
        keys = {k["kid"]: k for k in self.jwks()["jwks"]["keys"]}
        key = jwt.PyJWK.from_dict(keys[header["kid"]])
        return dict(jwt.decode(token, key=key, algorithms=["ES256"], options={"verify_aud": False}))

    def status_of(self, credential: dict[str, Any]) -> int:
        """The entry of the credential in the published status list (2 bits, LSB first)."""
        reference = self.verified_payload(credential["credential"])["status"]["status_list"]
        path = "/" + reference["uri"].split("/", 3)[3]
        result = self.cloud.api("GET", path)
        assert result.status == 200, result.text
        assert result.headers["content-type"] == "application/statuslist+jwt"
        token = result.text
        assert jwt.get_unverified_header(token)["typ"] == "statuslist+jwt"
        keys = {k["kid"]: k for k in self.jwks()["jwks"]["keys"]}
        key = jwt.PyJWK.from_dict(keys[jwt.get_unverified_header(token)["kid"]])
        payload = jwt.decode(token, key=key, algorithms=["ES256"])
        assert payload["sub"] == reference["uri"] and payload["status_list"]["bits"] == 2
        raw = zlib.decompress(b64url(payload["status_list"]["lst"]))
        index = reference["idx"]
        return (raw[index // 4] >> (2 * (index % 4))) & 0b11


def disclosed(sd_jwt: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Claims of the disclosures whose SHA-256 digest the signed payload lists."""
    values = {}
    for part in sd_jwt.split("~")[1:]:
        if not part:
            continue
        digest = base64.urlsafe_b64encode(hashlib.sha256(part.encode()).digest()).rstrip(b"=")
        assert digest.decode() in payload["_sd"]
        salt, name, value = json.loads(b64url(part))
        assert len(b64url(salt)) >= 16  # >= 128 bits
        values[name] = value
    return values
