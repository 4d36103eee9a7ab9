"""KmsSigner on moto's KMS: the JWS it signs verifies with pyjwt and the published JWK."""

from __future__ import annotations

import random
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError
from onetrip.dal.kms_signer import KmsSigner
from onetrip.vc.jws import LocalSigner, sign_compact, verify_compact
from onetrip.vc.sdjwt import present
from onetrip.vc.status_list import Status, StatusList, status_list_header, status_list_payload

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


def test_a_status_list_token_too_big_for_raw_is_signed_as_a_digest(kms_key: str) -> None:
    # 2^20 entries with 1 % revoked: ~20 KB of `lst`, five times what KMS signs as RAW.
    size = 1 << 20
    status_list = StatusList(size, bits=2)
    for index in random.Random(3).sample(range(size), size // 100):
        status_list.set(index, Status.INVALID)
    uri = "https://onetrip.example/status-lists/1"
    payload = status_list_payload(
        uri=uri, lst_obj=status_list.to_json(), iat=NOW, exp=NOW + 3600, ttl=60
    )
    signer = KmsSigner(kms_key, kid="k")

    token = sign_compact(status_list_header(), payload, signer)

    assert len(token.rsplit(".", 1)[0]) > 4 * 4096
    assert (
        jwt.decode(
            token,
            jwt.PyJWK(signer.public_jwk()).key,
            algorithms=["ES256"],
            options={"verify_exp": False, "verify_iat": False},
        )
        == payload
    )


def test_kms_refuses_raw_messages_over_4096_bytes_as_aws_does(cloud: Any, kms_key: str) -> None:
    kms = cloud.boto("kms")
    with pytest.raises(ClientError, match="4096") as caught:
        kms.sign(
            KeyId=kms_key, Message=b"x" * 4097, MessageType="RAW", SigningAlgorithm="ECDSA_SHA_256"
        )
    assert caught.value.response["Error"]["Code"] == "ValidationException"
