"""The issuer's keys in KMS: asymmetric ECC_NIST_P256 keys that sign and never leave it.

Keys made by rotation carry ISSUER_KEY_TAG: the function's IAM policy allows Sign and
GetPublicKey only on keys with that tag, and CreateKey only with it (infra: credentials).
"""

from __future__ import annotations

from typing import Any

from onetrip.dal.aws import client
from onetrip.dal.kms_signer import KmsSigner
from onetrip.domain.credential import ISSUER_KEY_SPEC, ISSUER_KEY_TAG, ISSUER_KEY_USAGE
from onetrip.vc.jws import jwk_thumbprint, public_jwk_from_der


def create_issuer_key(description: str) -> str:
    """A new signing key; returns its KMS key ARN."""
    response = client("kms").create_key(
        Description=description,
        KeySpec=ISSUER_KEY_SPEC,
        KeyUsage=ISSUER_KEY_USAGE,
        Tags=[{"TagKey": ISSUER_KEY_TAG[0], "TagValue": ISSUER_KEY_TAG[1]}],
    )
    return str(response["KeyMetadata"]["Arn"])


def public_jwk(key_id: str) -> tuple[str, dict[str, Any]]:
    """(kid, public JWK) of a KMS key; the kid is the RFC 7638 thumbprint of the key."""
    der = client("kms").get_public_key(KeyId=key_id)["PublicKey"]
    bare = public_jwk_from_der(der, kid="")
    kid = jwk_thumbprint(bare)
    return kid, {**bare, "kid": kid}


def signer(key_id: str, kid: str) -> KmsSigner:
    return KmsSigner(key_id, kid)
