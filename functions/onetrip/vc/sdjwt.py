"""Selective Disclosure for JWTs (RFC 9901) as used by SD-JWT VCs (IETF SD-JWT VC draft).

    <issuer-JWT>~<disclosure>~...~<disclosure>~[<KB-JWT>]

A disclosure is base64url(JSON [salt, name, value]); its digest, base64url(SHA-256(the
ASCII disclosure)), sits in the payload's `_sd`. Only object properties at the top level
are made disclosable (that is all the credential types need); array-element disclosures
are rejected rather than half supported.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from onetrip.vc.b64 import b64url_decode, b64url_encode
from onetrip.vc.jws import Signer, dumps_json, loads_json, peek_compact, sign_compact

SD_ALG = "sha-256"
KB_JWT_TYP = "kb+jwt"
SD_JWT_VC_TYP = "dc+sd-jwt"
# RFC 9901 §4.2.1: 128 bits of salt at least.
SALT_BYTES = 16
# RFC 9901 §4.2.2 forbids these names; the SD-JWT VC draft §3.2.2.2 keeps these always visible.
_NEVER_DISCLOSABLE = frozenset(
    {"_sd", "...", "_sd_alg", "iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"}
)


class SdJwtFormatError(ValueError):
    """Malformed SD-JWT text; `code` is the frozen reason (see verify.py)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def default_salt() -> str:
    return b64url_encode(secrets.token_bytes(SALT_BYTES))


def digest(encoded: str) -> str:
    """RFC 9901 §4.2.3: base64url(SHA-256(ASCII bytes of the base64url disclosure))."""
    return b64url_encode(hashlib.sha256(encoded.encode("ascii")).digest())


@dataclass(frozen=True)
class Disclosure:
    salt: str
    name: str
    value: Any
    encoded: str
    digest: str

    @classmethod
    def create(cls, name: str, value: Any, salt: str) -> Disclosure:
        encoded = b64url_encode(dumps_json([salt, name, value]))
        return cls(salt, name, value, encoded, digest(encoded))

    @classmethod
    def decode(cls, encoded: str) -> Disclosure:
        try:
            raw = b64url_decode(encoded)
        except ValueError as error:
            raise SdJwtFormatError("bad_base64url", f"disclosure: {error}") from None
        try:
            array = loads_json(raw)
        except ValueError as error:
            raise SdJwtFormatError("disclosure_not_json", f"disclosure: {error}") from None
        if not isinstance(array, list) or len(array) != 3:
            raise SdJwtFormatError(
                "disclosure_shape", "a disclosure must be a JSON array [salt, name, value]"
            )
        salt, name, value = array
        if not isinstance(salt, str) or not isinstance(name, str):
            raise SdJwtFormatError("disclosure_shape", "a disclosure's salt and name are strings")
        if name in ("_sd", "..."):
            raise SdJwtFormatError("disclosure_shape", f"a disclosure may not be named {name!r}")
        return cls(salt, name, value, encoded, digest(encoded))


def sd_hash(sd_jwt: str) -> str:
    """RFC 9901 §4.3.1: digest of the presentation up to and including its last `~`."""
    return digest(sd_jwt)


def issue_sd_jwt(
    *,
    header: Mapping[str, Any],
    payload: Mapping[str, Any],
    sd_claims: Mapping[str, Any],
    signer: Signer,
    decoys: int | None = None,
    salt: Callable[[], str] = default_salt,
) -> str:
    """Sign `payload` plus one digest per `sd_claims` entry; `<jwt>~<disclosure>~...~`.

    Decoy digests (RFC 9901 §4.2.5) hide how many claims there are; `None` picks 1-4.
    """
    clash = (set(sd_claims) & set(payload)) | (set(sd_claims) & _NEVER_DISCLOSABLE)
    if clash:
        raise ValueError(f"claims cannot be selectively disclosable here: {sorted(clash)}")
    if "_sd" in payload or "_sd_alg" in payload:
        raise ValueError("payload must not carry _sd/_sd_alg: issue_sd_jwt adds them")
    count = secrets.randbelow(4) + 1 if decoys is None else decoys
    if count < 0:
        raise ValueError("decoys cannot be negative")
    disclosures = [Disclosure.create(name, value, salt()) for name, value in sd_claims.items()]
    decoy_digests = [
        b64url_encode(hashlib.sha256(secrets.token_bytes(SALT_BYTES)).digest())
        for _ in range(count)
    ]
    signed = {
        **payload,
        "_sd": sorted([d.digest for d in disclosures] + decoy_digests),  # order reveals nothing
        "_sd_alg": SD_ALG,
    }
    issuer_jwt = sign_compact(header, signed, signer)
    return "~".join([issuer_jwt, *(d.encoded for d in disclosures)]) + "~"


@dataclass(frozen=True)
class ParsedSdJwt:
    issuer_jwt: str
    disclosures: tuple[Disclosure, ...]
    kb_jwt: str | None

    @property
    def sd_jwt(self) -> str:
        """The presentation without its KB-JWT, as `sd_hash` covers it."""
        return "~".join([self.issuer_jwt, *(d.encoded for d in self.disclosures)]) + "~"


def split(text: str) -> tuple[str, list[str], str | None]:
    """Only the `~` structure: (issuer JWT, encoded disclosures, KB-JWT or None)."""
    if not isinstance(text, str) or not text.isascii():
        raise SdJwtFormatError("tilde_structure", "an SD-JWT is an ASCII string")
    parts = text.split("~")
    if len(parts) < 2:
        raise SdJwtFormatError("tilde_structure", "an SD-JWT needs at least one '~'")
    issuer_jwt, middle, last = parts[0], parts[1:-1], parts[-1]
    if issuer_jwt.count(".") != 2:
        raise SdJwtFormatError("tilde_structure", "the part before the first '~' is not a JWT")
    if any(not part for part in middle):
        raise SdJwtFormatError("tilde_structure", "empty disclosure between two '~'")
    if last and last.count(".") != 2:
        raise SdJwtFormatError(
            "tilde_structure", "the part after the last '~' must be empty or a KB-JWT"
        )
    return issuer_jwt, middle, last or None


def parse(sd_jwt: str) -> ParsedSdJwt:
    """Strict parse (structure, base64url, disclosure shape, no duplicates); no signatures."""
    issuer_jwt, encoded, kb_jwt = split(sd_jwt)
    disclosures = tuple(Disclosure.decode(item) for item in encoded)
    duplicate = _first_duplicate(disclosures)
    if duplicate:
        raise SdJwtFormatError("duplicate_disclosure", duplicate)
    return ParsedSdJwt(issuer_jwt, disclosures, kb_jwt)


def _first_duplicate(disclosures: Iterable[Disclosure]) -> str | None:
    digests: set[str] = set()
    names: set[str] = set()
    for disclosure in disclosures:
        if disclosure.digest in digests:
            return f"disclosure of {disclosure.name!r} appears twice"
        if disclosure.name in names:
            return f"two disclosures name the claim {disclosure.name!r}"
        digests.add(disclosure.digest)
        names.add(disclosure.name)
    return None


def present(
    credential: str,
    disclose: Iterable[str],
    *,
    holder: Signer | None,
    aud: str,
    nonce: str,
    iat: int,
) -> str:
    """The holder's presentation: the chosen disclosures and, with a holder key, a KB-JWT."""
    parsed = parse(credential)
    if parsed.kb_jwt is not None:
        raise ValueError("credential already carries a KB-JWT: present the issued SD-JWT")
    by_name = {d.name: d for d in parsed.disclosures}
    wanted = list(dict.fromkeys(disclose))
    unknown = [name for name in wanted if name not in by_name]
    if unknown:
        raise ValueError(f"credential has no disclosable claim {', '.join(unknown)}")
    chosen = ParsedSdJwt(parsed.issuer_jwt, tuple(by_name[name] for name in wanted), None)
    if holder is None:
        return chosen.sd_jwt
    kb_payload = {"iat": iat, "aud": aud, "nonce": nonce, "sd_hash": sd_hash(chosen.sd_jwt)}
    return chosen.sd_jwt + sign_compact({"typ": KB_JWT_TYP}, kb_payload, holder)


def unverified_claims(credential: str) -> dict[str, Any]:
    """What the holder sees in their own credential: payload plus disclosed claims (unverified)."""
    parsed = parse(credential)
    _, payload = peek_compact(parsed.issuer_jwt)
    claims = {k: v for k, v in payload.items() if k not in ("_sd", "_sd_alg")}
    claims.update({d.name: d.value for d in parsed.disclosures})
    return claims
