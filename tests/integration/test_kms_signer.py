"""KmsSigner on moto's KMS: the JWS it signs verifies with pyjwt and the published JWK."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from onetrip.dal.kms_signer import KmsSigner
from onetrip.vc.jws import LocalSigner, sign_compact, verify_compact
from onetrip.vc.sdjwt import present

from tests.credentials import AUDIENCE, NONCE, NOW, RESIDENT_ID, Issuer


@pytest.fixture
def kms_key(cloud: Any) -> str:
    kms = cloud.boto("kms")
    key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    return key["KeyMetadata"]["KeyId"]


def test_a_kms_signed_jws_verifies_with_pyjwt_and_the_published_jwk(kms_key: str) -> None:
    signer = KmsSigner(kms_key, kid="issuer-2026-12")
    token = sign_compact({"typ": "dc+sd-jwt"}, {"iss": "https://onetrip.example", "n": 1}, signer)

    jwk = signer.public_jwk()
    public_key = jwt.PyJWK(jwk).key
    assert jwt.get_unverified_header(token) == {
        "typ": "dc+sd-jwt",
        "alg": "ES256",
        "kid": "issuer-2026-12",
    }
    assert jwt.decode(token, public_key, algorithms=["ES256"]) == {
        "iss": "https://onetrip.example",
        "n": 1,
    }
    assert (jwk["kty"], jwk["crv"], jwk["kid"], jwk["alg"]) == (
        "EC",
        "P-256",
        "issuer-2026-12",
        "ES256",
    )
    assert "d" not in jwk


def test_kms_signatures_are_raw_64_bytes(kms_key: str) -> None:
    signer = KmsSigner(kms_key, kid="k")
    assert {len(signer.sign(f"input {i}".encode())) for i in range(20)} == {64}


def test_a_kms_issued_credential_verifies_end_to_end(kms_key: str) -> None:
    signer = KmsSigner(kms_key, kid="issuer-kms")
    issuer = Issuer(signer=signer)  # type: ignore[arg-type]  # needs only kid, sign, public_jwk
    holder = LocalSigner.generate()
    credential = issuer.issue(holder)
    shown = present(credential, ["surname"], holder=holder, aud=AUDIENCE, nonce=NONCE, iat=NOW)

    result = issuer.verify(shown, ["surname"])

    assert result.verdict == "verified", result.checks
    assert result.claims == {"surname": RESIDENT_ID["surname"]}
    header, _ = verify_compact(credential.split("~")[0], lambda _: signer.public_jwk())
    assert header["kid"] == "issuer-kms"


def test_a_different_kms_key_does_not_verify(cloud: Any, kms_key: str) -> None:
    other = cloud.boto("kms").create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    token = sign_compact({}, {"sub": "s"}, KmsSigner(kms_key, kid="k"))
    wrong = jwt.PyJWK(KmsSigner(other["KeyMetadata"]["KeyId"], kid="k").public_jwk()).key
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, wrong, algorithms=["ES256"])
