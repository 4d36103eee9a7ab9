"""Two AWS KMS `Sign` rules moto 5.2 skips, kept here so local runs fail where AWS would.

- MessageType RAW takes at most 4096 bytes (AWS KMS API reference, Sign: Message); moto
  signs any size, which would hide a status list token too big to sign in AWS.
- MessageType DIGEST signs the given SHA-256 digest as is; moto hashes it again, which
  would make every digest-signed JWS fail to verify.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from moto.kms.exceptions import ValidationException
from moto.kms.responses import KmsResponse

RAW_MAX_BYTES = 4096
_moto_sign = KmsResponse.sign


def _sign(self: Any) -> str:
    message = self._get_param("Message") or b""
    message_type = self._get_param("MessageType") or "RAW"
    if message_type == "RAW" and len(message) > RAW_MAX_BYTES:
        raise ValidationException(
            "1 validation error detected: Value at 'Message' failed to satisfy constraint: "
            f"Member must have length less than or equal to {RAW_MAX_BYTES}"
        )
    if message_type != "DIGEST":
        return _moto_sign(self)
    algorithm = self._get_param("SigningAlgorithm")
    key = self.kms_backend.describe_key(self._get_param("KeyId"))
    if algorithm != "ECDSA_SHA_256" or algorithm not in (key.signing_algorithms or []):
        raise ValidationException(f"DIGEST signing with {algorithm} is not supported here")
    if len(message) != 32:
        raise ValidationException("Digest is invalid length for algorithm ECDSA_SHA_256.")
    signature = key.private_key.private_key.sign(message, ec.ECDSA(Prehashed(hashes.SHA256())))
    return json.dumps(
        {
            "KeyId": key.arn,
            "Signature": base64.b64encode(signature).decode(),
            "SigningAlgorithm": algorithm,
        }
    )


def keep_aws_sign_rules() -> None:
    """Patch moto's KMS Sign in this process (the local moto server runs in it)."""
    KmsResponse.sign = _sign  # type: ignore[method-assign]
