"""Compact JWS (RFC 7515) with ES256 (RFC 7518 §3.4), JWKs (RFC 7517) and thumbprints (RFC 7638).

Signing is "signing input in, raw signature out" (`Signer`), so a key store that never
releases its private key (KMS `Sign`) and an in-process key (holder keys, tests) are the
same thing to the code above. Verification never trusts a key carried in the token: the
caller's resolver picks the key from the header (`kid`), and only allow-listed asymmetric
algorithms are accepted, so `alg: none` and HS256-keyed-with-the-public-key both fail.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from onetrip.vc.b64 import b64url_decode, b64url_encode

ES256 = "ES256"
_COORDINATE_BYTES = 32  # P-256: 256-bit coordinates and r, s (RFC 7518 §3.4)


class Signer(Protocol):
    """Signs a JWS signing input; returns the raw JOSE signature (r||s, 64 bytes for ES256)."""

    kid: str
    alg: str

    def sign(self, signing_input: bytes) -> bytes: ...


class JwsError(ValueError):
    """A JWS that must not be trusted; `code` says why (frozen, verify.py maps it)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


PublicKey = ec.EllipticCurvePublicKey
# Given the protected header, the trusted key for it (object or public JWK); LookupError if none.
KeyResolver = Callable[[Mapping[str, Any]], "PublicKey | Mapping[str, Any]"]


# --- JSON ---------------------------------------------------------------------------------


# One encoder: json.dumps with non-default options builds a new one per call (a third of
# the cost of issuing a credential).
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps_json(value: Any) -> bytes:
    """Compact UTF-8 JSON (Chinese names stay 3 bytes a character instead of 6)."""
    return _ENCODER.encode(value).encode("utf-8")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate JSON member {key!r}")
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constants)


def loads_json(data: bytes | str) -> Any:
    """Strict JSON: duplicate members (RFC 7515 §5.2) and NaN/Infinity are errors."""
    try:
        return _DECODER.decode(data.decode("utf-8") if isinstance(data, bytes) else data)
    except UnicodeDecodeError:
        raise ValueError("JSON is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error.msg} at position {error.pos}") from None


# --- signatures -----------------------------------------------------------------------------


def der_to_raw(der: bytes, size: int = _COORDINATE_BYTES) -> bytes:
    """DER ECDSA-Sig-Value (what KMS and OpenSSL return) → JOSE's fixed-size r||s."""
    r, s = decode_dss_signature(der)
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def raw_to_der(raw: bytes, size: int = _COORDINATE_BYTES) -> bytes:
    if len(raw) != 2 * size:
        raise ValueError(f"signature must be {2 * size} bytes, got {len(raw)}")
    return encode_dss_signature(
        int.from_bytes(raw[:size], "big"), int.from_bytes(raw[size:], "big")
    )


def sign_compact(header: Mapping[str, Any], payload: Mapping[str, Any], signer: Signer) -> str:
    """`header.payload.signature`; `alg` and `kid` come from the signer, never the caller."""
    protected = {**header, "alg": signer.alg}
    if signer.kid:
        protected["kid"] = signer.kid
    signing_input = (
        b64url_encode(dumps_json(protected)) + "." + b64url_encode(dumps_json(dict(payload)))
    )
    signature = signer.sign(signing_input.encode("ascii"))
    return signing_input + "." + b64url_encode(signature)


# --- JWKs -----------------------------------------------------------------------------------


def _ec_jwk(key: PublicKey) -> dict[str, Any]:
    numbers = key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": b64url_encode(numbers.x.to_bytes(_COORDINATE_BYTES, "big")),
        "y": b64url_encode(numbers.y.to_bytes(_COORDINATE_BYTES, "big")),
    }


def _published_jwk(key: PublicKey, kid: str) -> dict[str, Any]:
    return {**_ec_jwk(key), "kid": kid, "alg": ES256, "use": "sig"}


def public_jwk_from_der(der_spki: bytes, kid: str) -> dict[str, Any]:
    """SubjectPublicKeyInfo DER (KMS GetPublicKey) → the public JWK published in the JWKS."""
    key = serialization.load_der_public_key(der_spki)
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("public key is not an EC P-256 key")
    return _published_jwk(key, kid)


def parse_public_jwk(jwk: Any) -> PublicKey:
    """An EC P-256 public JWK → key; ValueError naming what is wrong with it."""
    if not isinstance(jwk, Mapping):
        raise ValueError("JWK must be a JSON object")
    if "d" in jwk:
        raise ValueError("JWK contains a private key ('d'): send the public key only")
    if jwk.get("kty") != "EC":
        raise ValueError("JWK 'kty' must be 'EC'")
    if jwk.get("crv") != "P-256":
        raise ValueError("JWK 'crv' must be 'P-256'")
    if jwk.get("alg", ES256) != ES256:
        raise ValueError("JWK 'alg' must be 'ES256' when present")
    if jwk.get("use", "sig") != "sig":
        raise ValueError("JWK 'use' must be 'sig' when present")
    for name in ("x", "y"):
        if not isinstance(jwk.get(name), str):
            raise ValueError(f"JWK '{name}' must be a base64url string")
    return _p256_point(jwk["x"], jwk["y"])


@lru_cache(maxsize=1024)  # issuer keys recur on every verification
def _p256_point(x: str, y: str) -> PublicKey:
    coordinates = b""
    for name, value in (("x", x), ("y", y)):
        try:
            raw = b64url_decode(value)
        except ValueError as error:
            raise ValueError(f"JWK '{name}': {error}") from None
        if len(raw) != _COORDINATE_BYTES:
            raise ValueError(f"JWK '{name}' must be {_COORDINATE_BYTES} bytes for P-256")
        coordinates += raw
    try:  # SEC 1 uncompressed point; OpenSSL checks that it lies on the curve
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b"\x04" + coordinates)
    except ValueError:
        raise ValueError("JWK 'x'/'y' is not a point on the P-256 curve") from None


# RFC 7638 §3.2: the required members of each key type, in lexicographic order.
_THUMBPRINT_MEMBERS = {
    "EC": ("crv", "kty", "x", "y"),
    "RSA": ("e", "kty", "n"),
    "OKP": ("crv", "kty", "x"),
}


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint, base64url."""
    members = _THUMBPRINT_MEMBERS.get(str(jwk.get("kty")))
    if members is None:
        raise ValueError("JWK 'kty' must be EC, RSA or OKP for a thumbprint")
    missing = [name for name in members if not isinstance(jwk.get(name), str)]
    if missing:
        raise ValueError(f"JWK lacks {', '.join(missing)} for a thumbprint")
    canonical = json.dumps({name: jwk[name] for name in members}, separators=(",", ":"))
    return b64url_encode(hashlib.sha256(canonical.encode("utf-8")).digest())


# --- in-process signer ------------------------------------------------------------------------


@dataclass
class LocalSigner:
    """An EC P-256 key held in this process: holder keys of the reference wallet, and tests."""

    private_key: ec.EllipticCurvePrivateKey
    kid: str
    alg: str = ES256

    @classmethod
    def generate(cls, kid: str | None = None) -> LocalSigner:
        key = ec.generate_private_key(ec.SECP256R1())  # OpenSSL's CSPRNG (EUDI ARF ISSU_35)
        return cls(key, kid or jwk_thumbprint(_ec_jwk(key.public_key())))

    @classmethod
    def from_pem(cls, pem: bytes | str, kid: str | None = None) -> LocalSigner:
        data = pem.encode("ascii") if isinstance(pem, str) else pem
        key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(
            key.curve, ec.SECP256R1
        ):
            raise ValueError("PEM is not an EC P-256 private key")
        return cls(key, kid or jwk_thumbprint(_ec_jwk(key.public_key())))

    def to_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def public_jwk(self) -> dict[str, Any]:
        return _published_jwk(self.private_key.public_key(), self.kid)

    def sign(self, signing_input: bytes) -> bytes:
        return der_to_raw(self.private_key.sign(signing_input, ec.ECDSA(hashes.SHA256())))


# --- verification -----------------------------------------------------------------------------


def split_compact(token: str) -> tuple[dict[str, Any], str, str]:
    """(header, encoded payload, encoded signature) without verifying anything."""
    if not isinstance(token, str) or not token.isascii():
        raise JwsError("malformed", "JWS must be an ASCII string")
    parts = token.split(".")
    if len(parts) != 3 or not all(parts[:2]):
        raise JwsError("malformed", "JWS must have three dot-separated parts")
    try:
        header = loads_json(b64url_decode(parts[0]))
    except ValueError as error:
        raise JwsError("malformed", f"JWS header: {error}") from None
    if not isinstance(header, dict):
        raise JwsError("malformed", "JWS header must be a JSON object")
    return header, parts[1], parts[2]


def decode_payload(encoded: str) -> dict[str, Any]:
    try:
        payload = loads_json(b64url_decode(encoded))
    except ValueError as error:
        raise JwsError("malformed", f"JWS payload: {error}") from None
    if not isinstance(payload, dict):
        raise JwsError("malformed", "JWS payload must be a JSON object")
    return payload


def peek_compact(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload WITHOUT verification: for the holder's own view, never for trust."""
    header, payload, _ = split_compact(token)
    return header, decode_payload(payload)


def verify_compact(
    token: str,
    key_resolver: KeyResolver,
    allowed_algs: Collection[str] = frozenset({ES256}),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Verify a compact JWS with a key the caller trusts; (header, payload) or JwsError."""
    header, payload, signature = split_compact(token)
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in allowed_algs or alg != ES256:  # ES256 only, yet
        raise JwsError("alg_not_allowed", f"JWS alg {alg!r} is not accepted")
    if not isinstance(header.get("kid", ""), str):
        raise JwsError("malformed", "JWS 'kid' must be a string")
    if "crit" in header:  # RFC 7515 §4.1.11: no extension is understood here
        raise JwsError("malformed", "JWS 'crit' extensions are not supported")
    try:
        resolved = key_resolver(header)
    except LookupError:
        raise JwsError("unknown_kid", f"no trusted key for kid {header.get('kid')!r}") from None
    try:
        key = resolved if isinstance(resolved, PublicKey) else parse_public_jwk(resolved)
    except ValueError as error:
        raise JwsError("bad_key", str(error)) from None
    if not isinstance(key.curve, ec.SECP256R1):
        raise JwsError("bad_key", "ES256 needs a P-256 key")
    try:
        raw = b64url_decode(signature)
        signing_input = token.rsplit(".", 1)[0].encode("ascii")
        key.verify(raw_to_der(raw), signing_input, ec.ECDSA(hashes.SHA256()))
    except (ValueError, InvalidSignature):
        raise JwsError("bad_signature", "JWS signature does not verify") from None
    return header, decode_payload(payload)
