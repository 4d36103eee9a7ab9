"""The issuer's signing key in KMS: the private key never leaves the key store.

KMS `Sign` over the JWS signing input (MessageType RAW, so KMS hashes it with SHA-256) and
returns a DER ECDSA-Sig-Value, which JOSE wants as the fixed 64-byte r||s (RFC 7518 §3.4).
RAW takes at most 4096 bytes; a longer input (a status list token: ~20 KB of `lst`) is
hashed here and sent as MessageType DIGEST, which yields the same signature.
The key is asymmetric ECC_NIST_P256 / SIGN_VERIFY; in `aws-cn` an SM2 key would take its
place behind the same `Signer` interface.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from typing import Any

from onetrip.dal.aws import client
from onetrip.vc.jws import ES256, der_to_raw, public_jwk_from_der

_SIGNING_ALGORITHM = {ES256: "ECDSA_SHA_256"}
RAW_MAX_BYTES = 4096  # AWS KMS API reference, Sign: Message


class KmsSigner:
    """`onetrip.vc.jws.Signer` backed by one KMS key; `kid` is what the JWKS publishes."""

    def __init__(self, key_id: str, kid: str, *, alg: str = ES256, kms: Any = None) -> None:
        if alg not in _SIGNING_ALGORITHM:
            raise ValueError(f"no KMS signing algorithm for {alg}")
        self.key_id = key_id
        self.kid = kid
        self.alg = alg
        self._kms = kms

    @property
    def kms(self) -> Any:
        return self._kms or client("kms")

    def sign(self, signing_input: bytes) -> bytes:
        raw = len(signing_input) <= RAW_MAX_BYTES
        response = self.kms.sign(
            KeyId=self.key_id,
            Message=signing_input if raw else hashlib.sha256(signing_input).digest(),
            MessageType="RAW" if raw else "DIGEST",
            SigningAlgorithm=_SIGNING_ALGORITHM[self.alg],
        )
        return der_to_raw(response["Signature"])

    @cached_property
    def _public_jwk(self) -> dict[str, Any]:
        der = self.kms.get_public_key(KeyId=self.key_id)["PublicKey"]
        return public_jwk_from_der(der, self.kid)

    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JWK (fetched once: a key's public half never changes)."""
        return dict(self._public_jwk)
