"""Local dev identity provider: an RS256 key pair, tokens, and their verification.

The key pair is generated once into `.build/local/` so tokens printed by `onetrip token`
stay valid across restarts of `onetrip local`. The local authorizer makes the checks API
Gateway's HTTP API JWT authorizer makes (developer guide, "Control access to HTTP APIs
with JWT authorizers"): an RSA algorithm, a `kid` naming a key of the issuer's JWKS and a
signature by that key, `iss` equal to the issuer, `aud` (or `client_id` when there is no
`aud`) among the audiences, `exp` in the future, `nbf` and `iat` not in the future.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from onetrip_local.template import BUILD_DIR

LOCAL_ISSUER = "https://auth.onetrip.local"
LOCAL_AUDIENCE = "onetrip-local"
KEY_ID = "onetrip-local-1"
TOKEN_LIFETIME_SECONDS = 12 * 3600  # a working day at the window
# API Gateway's JWT authorizer accepts RSA-signed tokens only.
ACCEPTED_ALGORITHMS = ("RS256", "RS384", "RS512")

# The extra claims of API.md, by CLI option name.
EXTRA_CLAIMS = {
    "agency": "custom:agency",
    "unit": "custom:unit",
    "id_number": "custom:idNumber",
    "district": "custom:district",
    "venue": "custom:venue",
}


class InvalidToken(Exception):
    """Missing, malformed, expired or foreign token (API Gateway answers 401)."""


def _key_path(directory: Path) -> Path:
    return directory / "jwt-private-key.pem"


def private_key_pem(directory: Path = BUILD_DIR) -> bytes:
    path = _key_path(directory)
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        partial = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
        partial.write_bytes(pem)
        partial.chmod(0o600)
        # Concurrent first runs: the first rename wins and everyone reads the same key.
        if not path.exists():
            partial.replace(path)
        else:
            partial.unlink()
    return path.read_bytes()


def public_key_pem(directory: Path = BUILD_DIR) -> bytes:
    key = serialization.load_pem_private_key(private_key_pem(directory), password=None)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def mint(
    roles: Iterable[str],
    *,
    sub: str | None = None,
    lifetime: int = TOKEN_LIFETIME_SECONDS,
    issued_at: int | None = None,
    directory: Path = BUILD_DIR,
    **extras: str | None,
) -> str:
    """A signed ID-token-like JWT; extras use the option names of EXTRA_CLAIMS."""
    now = int(time.time()) if issued_at is None else issued_at
    role_list = list(roles)
    claims: dict[str, Any] = {
        "sub": sub or f"local-{'-'.join(role_list) or 'user'}",
        "iss": LOCAL_ISSUER,
        "aud": LOCAL_AUDIENCE,
        "iat": now,
        "exp": now + lifetime,
        "token_use": "id",
        "cognito:groups": role_list,
    }
    for option, value in extras.items():
        if option not in EXTRA_CLAIMS:
            raise TypeError(f"unknown claim option {option}")
        if value is not None:
            claims[EXTRA_CLAIMS[option]] = value
    return jwt.encode(
        claims, private_key_pem(directory), algorithm="RS256", headers={"kid": KEY_ID}
    )


def jwks(directory: Path = BUILD_DIR) -> dict[str, Any]:
    """The local issuer's JSON Web Key Set, as an OIDC provider publishes it at jwks_uri."""
    key = serialization.load_pem_private_key(private_key_pem(directory), password=None)
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))  # type: ignore[arg-type]
    return {"keys": [{**jwk, "kid": KEY_ID, "alg": "RS256", "use": "sig"}]}


class Verifier:
    """Verifies bearer tokens as the HTTP API JWT authorizer does (see the module doc)."""

    def __init__(
        self,
        directory: Path = BUILD_DIR,
        *,
        issuer: str = LOCAL_ISSUER,
        audiences: Iterable[str] = (LOCAL_AUDIENCE,),
        key_set: dict[str, Any] | None = None,
    ) -> None:
        self._issuer = issuer
        self._audiences = frozenset(audiences)
        key_set = key_set if key_set is not None else jwks(directory)
        self._keys = {
            str(k["kid"]): RSAAlgorithm.from_jwk(k) for k in key_set["keys"] if k.get("kid")
        }

    def claims(self, authorization: str | None) -> dict[str, Any]:
        if not authorization:
            raise InvalidToken("no bearer token")
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise InvalidToken("the Authorization header is not a bearer token")
        try:
            header = jwt.get_unverified_header(token.strip())
            algorithm = header.get("alg")
            if algorithm not in ACCEPTED_ALGORITHMS:
                raise InvalidToken(f"the token's algorithm {algorithm!r} is not accepted")
            key = self._keys.get(str(header.get("kid")))
            if key is None:
                raise InvalidToken("no key of the issuer's JWKS matches the token's kid")
            claims: dict[str, Any] = jwt.decode(
                token.strip(),
                key,  # type: ignore[arg-type]
                algorithms=[algorithm],
                issuer=self._issuer,
                options={"require": ["exp", "iat", "sub"], "verify_aud": False},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error)) from error
        self._check_audience(claims)
        return claims

    def _check_audience(self, claims: dict[str, Any]) -> None:
        """`aud` must name one of the audiences; `client_id` counts only without `aud`."""
        audience = claims["aud"] if "aud" in claims else claims.get("client_id")
        named = [audience] if isinstance(audience, str) else list(audience or [])
        if not self._audiences.intersection(str(a) for a in named):
            raise InvalidToken("the token does not have a valid audience")
