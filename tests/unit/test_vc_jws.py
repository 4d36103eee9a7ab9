"""base64url and compact JWS: checked against RFC examples and pyjwt/joserfc as oracles."""

from __future__ import annotations

import jwt
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc.jwk import ECKey
from jwt.utils import der_to_raw_signature
from onetrip.vc.b64 import b64url_decode, b64url_encode
from onetrip.vc.jws import (
    JwsError,
    LocalSigner,
    der_to_raw,
    jwk_thumbprint,
    parse_public_jwk,
    public_jwk_from_der,
    sign_compact,
    verify_compact,
)

# --- base64url -----------------------------------------------------------------------------


def test_b64url_matches_rfc_7515_appendix_a1_header() -> None:
    # RFC 7515 A.1: the JOSE header bytes and their base64url text.
    header = b'{"typ":"JWT",\r\n "alg":"HS256"}'
    assert b64url_encode(header) == "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    assert b64url_decode("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9") == header


def test_b64url_uses_the_url_safe_alphabet_without_padding() -> None:
    # RFC 4648 §5: 62 -> '-', 63 -> '_'; 0xfb 0xff = 111110 111111 1111(00)
    assert b64url_encode(b"\xfb\xff") == "-_8"
    assert b64url_decode("-_8") == b"\xfb\xff"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("ab+/", "outside"),  # standard alphabet, not URL-safe
        ("YQ==", "outside"),  # padding
        ("YQ\n", "outside"),  # whitespace
        ("abcde", "impossible length"),  # 5 chars: 4n+1 can never be valid
        ("YR", "not canonical"),  # 'a' is YQ; YR has a non-zero trailing bit
    ],
)
def test_b64url_decode_rejects_with_a_clear_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        b64url_decode(text)


# --- signing and signatures ------------------------------------------------------------------


def test_der_to_raw_matches_pyjwt() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    for message in (b"a", b"b", b"c", b"d"):
        der = key.sign(message, ec.ECDSA(hashes.SHA256()))
        assert der_to_raw(der) == der_to_raw_signature(der, ec.SECP256R1())


def test_sign_compact_verifies_with_pyjwt_and_sets_alg_and_kid_from_the_signer() -> None:
    signer = LocalSigner.generate("key-1")
    token = sign_compact({"typ": "dc+sd-jwt", "alg": "none"}, {"iss": "x", "名": "李"}, signer)
    header = jwt.get_unverified_header(token)
    assert header == {"typ": "dc+sd-jwt", "alg": "ES256", "kid": "key-1"}
    public = signer.private_key.public_key()
    assert jwt.decode(token, public, algorithms=["ES256"]) == {"iss": "x", "名": "李"}


def test_verify_compact_accepts_a_pyjwt_token_with_the_resolved_key() -> None:
    signer = LocalSigner.generate("k")
    pem = signer.to_pem()
    token = jwt.encode({"sub": "s"}, pem, algorithm="ES256", headers={"kid": "k"})
    header, payload = verify_compact(token, lambda h: {"k": signer.public_jwk()}[h["kid"]])
    assert payload == {"sub": "s"}
    assert header["kid"] == "k"


def _forge(header: dict, payload: dict, signature: bytes) -> str:
    import json

    def part(obj: dict) -> str:
        return b64url_encode(json.dumps(obj).encode())

    return f"{part(header)}.{part(payload)}.{b64url_encode(signature)}"


def test_verify_compact_rejects_alg_none() -> None:
    signer = LocalSigner.generate("k")
    token = _forge({"alg": "none", "kid": "k"}, {"sub": "s"}, b"")
    with pytest.raises(JwsError) as caught:
        verify_compact(token, lambda _: signer.public_jwk())
    assert caught.value.code == "alg_not_allowed"


def test_verify_compact_rejects_hs256_keyed_with_the_public_key() -> None:
    # The classic confusion attack: HMAC with the issuer's public key bytes as the secret.
    signer = LocalSigner.generate("k")
    public_pem = signer.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    import hashlib
    import hmac

    header = b64url_encode(b'{"alg":"HS256","kid":"k"}')
    payload = b64url_encode(b'{"sub":"s"}')
    mac = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    token = f"{header}.{payload}.{b64url_encode(mac)}"
    with pytest.raises(JwsError) as caught:
        verify_compact(token, lambda _: signer.public_jwk(), allowed_algs={"ES256", "HS256"})
    assert caught.value.code == "alg_not_allowed"


def test_verify_compact_never_uses_an_embedded_key() -> None:
    attacker = LocalSigner.generate("k")
    issuer = LocalSigner.generate("k")
    token = sign_compact({"jwk": attacker.public_jwk()}, {"sub": "s"}, attacker)
    with pytest.raises(JwsError) as caught:
        verify_compact(token, lambda _: issuer.public_jwk())
    assert caught.value.code == "bad_signature"


def test_verify_compact_reports_an_unknown_kid() -> None:
    token = sign_compact({}, {"sub": "s"}, LocalSigner.generate("stranger"))
    keys: dict[str, dict] = {}
    with pytest.raises(JwsError) as caught:
        verify_compact(token, lambda h: keys[h["kid"]])
    assert caught.value.code == "unknown_kid"


@pytest.mark.parametrize("token", ["a.b", "a.b.c.d", "..", "eyJhIjox.e30.", "bm90IGpzb24.e30.AA"])
def test_verify_compact_rejects_malformed_tokens(token: str) -> None:
    with pytest.raises(JwsError) as caught:
        verify_compact(token, lambda _: LocalSigner.generate().public_jwk())
    assert caught.value.code == "malformed"


@pytest.mark.parametrize(
    ("header", "code"),
    [({"alg": ["ES256"]}, "alg_not_allowed"), ({"alg": "ES256", "kid": ["k"]}, "malformed")],
)
def test_header_members_of_the_wrong_type_are_refused(header: dict, code: str) -> None:
    token = _forge(header, {"sub": "s"}, b"\0" * 64)
    with pytest.raises(JwsError) as caught:
        verify_compact(token, lambda h: {"k": LocalSigner.generate().public_jwk()}[h["kid"]])
    assert caught.value.code == code


def test_duplicate_header_members_are_malformed() -> None:
    header = b64url_encode(b'{"alg":"ES256","alg":"none"}')
    with pytest.raises(JwsError, match="duplicate JSON member 'alg'"):
        verify_compact(f"{header}.e30.AA", lambda _: LocalSigner.generate().public_jwk())


# --- JWKs --------------------------------------------------------------------------------------


def test_thumbprint_matches_rfc_7638_section_3_1() -> None:
    jwk = {
        "kty": "RSA",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSo"
        "c_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR"
        "0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWh"
        "AI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29",
    }
    assert jwk_thumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_ec_thumbprint_matches_joserfc() -> None:
    jwk = LocalSigner.generate("k").public_jwk()
    assert jwk_thumbprint(jwk) == ECKey.import_key(jwk).thumbprint()


def test_public_jwk_from_der_round_trips_through_parse_public_jwk() -> None:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    jwk = public_jwk_from_der(der, "kms-1")
    assert jwk["kid"] == "kms-1" and jwk["alg"] == "ES256" and jwk["crv"] == "P-256"
    assert parse_public_jwk(jwk).public_numbers() == key.public_numbers()


def test_public_jwk_from_der_refuses_other_curves() -> None:
    key = ec.generate_private_key(ec.SECP384R1()).public_key()
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(ValueError, match="not an EC P-256 key"):
        public_jwk_from_der(der, "k")


def _valid_jwk() -> dict:
    jwk = LocalSigner.generate("k").public_jwk()
    return {k: jwk[k] for k in ("kty", "crv", "x", "y")}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"d": "AAAA"}, "private key"),
        ({"kty": "RSA"}, "'kty' must be 'EC'"),
        ({"crv": "P-384"}, "'crv' must be 'P-256'"),
        ({"alg": "HS256"}, "'alg' must be 'ES256'"),
        ({"x": "AAAA"}, "'x' must be 32 bytes"),
        ({"y": 7}, "'y' must be a base64url string"),
        ({"x": "A" * 43}, "not a point on the P-256 curve"),
        ({"x": "ab+/"}, "'x': base64url value has a character"),
    ],
)
def test_parse_public_jwk_rejects_anything_but_a_p256_public_key(change: dict, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_public_jwk({**_valid_jwk(), **change})


def test_parse_public_jwk_rejects_non_objects() -> None:
    with pytest.raises(ValueError, match="JSON object"):
        parse_public_jwk("not a jwk")


def test_local_signer_pem_round_trip_keeps_the_key() -> None:
    signer = LocalSigner.generate()
    again = LocalSigner.from_pem(signer.to_pem())
    assert again.public_jwk() == signer.public_jwk()
    assert signer.kid == jwk_thumbprint(signer.public_jwk())
