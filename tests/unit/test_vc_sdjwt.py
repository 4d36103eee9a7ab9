"""SD-JWT issuance, parsing and presentation (RFC 9901)."""

from __future__ import annotations

import hashlib
import json

import jwt
import pytest
from onetrip.vc.b64 import b64url_decode, b64url_encode
from onetrip.vc.jws import LocalSigner
from onetrip.vc.sdjwt import (
    Disclosure,
    SdJwtFormatError,
    issue_sd_jwt,
    parse,
    present,
    unverified_claims,
)

from tests.credentials import AUDIENCE, NONCE, NOW, RESIDENT_ID, Issuer, presentation

# RFC 9901 §4.2.3: the published disclosure of family_name "Möbius" and its digest.
RFC_DISCLOSURE = "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0"
RFC_DIGEST = "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"


def _payload(token: str) -> dict:
    return json.loads(b64url_decode(token.split(".")[1]))


def test_rfc_9901_disclosure_decodes_and_digests_as_published() -> None:
    disclosure = Disclosure.decode(RFC_DISCLOSURE)
    assert (disclosure.salt, disclosure.name, disclosure.value) == (
        "_26bc4LT-ac6q2KI6cBW5es",
        "family_name",
        "Möbius",
    )
    assert disclosure.digest == RFC_DIGEST


def test_issue_puts_one_sorted_digest_per_claim_plus_decoys_and_signs_it() -> None:
    issuer = Issuer()
    sd_jwt = issue_sd_jwt(
        header={"typ": "dc+sd-jwt"},
        payload={"iss": "https://onetrip.example", "exp": NOW},
        sd_claims={"surname": "李", "ageOver18": True},
        signer=issuer.signer,
        decoys=3,
    )
    assert sd_jwt.endswith("~") and sd_jwt.count("~") == 3
    token, *encoded, _ = sd_jwt.split("~")
    public = issuer.signer.private_key.public_key()
    payload = jwt.decode(token, public, algorithms=["ES256"], options={"verify_exp": False})
    assert payload["_sd_alg"] == "sha-256"
    assert payload["_sd"] == sorted(payload["_sd"]) and len(payload["_sd"]) == 2 + 3
    for item in encoded:
        salt, name, value = json.loads(b64url_decode(item))
        assert len(b64url_decode(salt)) >= 16  # RFC 9901 §4.2.1: at least 128 bits
        expected = b64url_encode(hashlib.sha256(item.encode("ascii")).digest())
        assert expected in payload["_sd"]
        assert {"surname": "李", "ageOver18": True}[name] == value
    assert "surname" not in payload and "ageOver18" not in payload


def test_default_decoys_are_between_one_and_four_and_salts_differ() -> None:
    counts = set()
    salts = set()
    for _ in range(40):
        sd_jwt = issue_sd_jwt(header={}, payload={}, sd_claims={"a": 1}, signer=Issuer().signer)
        counts.add(len(_payload(sd_jwt.split("~")[0])["_sd"]) - 1)
        salts.add(parse(sd_jwt).disclosures[0].salt)
    assert counts <= {1, 2, 3, 4} and len(counts) > 1
    assert len(salts) == 40


@pytest.mark.parametrize("name", ["iss", "exp", "cnf", "status", "vct", "_sd", "..."])
def test_always_visible_and_reserved_names_cannot_be_disclosable(name: str) -> None:
    with pytest.raises(ValueError, match="cannot be selectively disclosable"):
        issue_sd_jwt(header={}, payload={}, sd_claims={name: 1}, signer=Issuer().signer)


def test_a_claim_cannot_be_both_visible_and_disclosable() -> None:
    with pytest.raises(ValueError, match="surname"):
        issue_sd_jwt(
            header={},
            payload={"surname": "李"},
            sd_claims={"surname": "李"},
            signer=Issuer().signer,
        )


def test_parse_reads_issuer_jwt_disclosures_and_kb_jwt() -> None:
    holder = LocalSigner.generate()
    credential = Issuer().issue(holder)
    parsed = parse(credential)
    assert parsed.kb_jwt is None
    assert {d.name for d in parsed.disclosures} == set(RESIDENT_ID)
    assert parsed.sd_jwt == credential
    shown = parse(presentation(credential, holder))
    assert shown.kb_jwt is not None and [d.name for d in shown.disclosures] == [
        "surname",
        "ageOver18",
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("eyJh.eyJi.c2ln", "tilde_structure"),  # a bare JWT: no '~' at all
        ("eyJh.eyJi.c2ln~~", "tilde_structure"),  # empty disclosure
        ("eyJh.eyJi~", "tilde_structure"),  # not a JWT before the first '~'
        (f"eyJh.eyJi.c2ln~{RFC_DISCLOSURE}", "tilde_structure"),  # a disclosure where a KB-JWT goes
        ("eyJh.eyJi.c2ln~abc+~", "bad_base64url"),
        (f"eyJh.eyJi.c2ln~{b64url_encode(b'not json')}~", "disclosure_not_json"),
        (f"eyJh.eyJi.c2ln~{b64url_encode(b'[1, 2]')}~", "disclosure_shape"),
        (f"eyJh.eyJi.c2ln~{b64url_encode(b'[1, 2, 3]')}~", "disclosure_shape"),
        (f"eyJh.eyJi.c2ln~{RFC_DISCLOSURE}~{RFC_DISCLOSURE}~", "duplicate_disclosure"),
    ],
)
def test_parse_is_strict(text: str, code: str) -> None:
    with pytest.raises(SdJwtFormatError) as caught:
        parse(text)
    assert caught.value.code == code


def test_present_builds_a_kb_jwt_over_everything_up_to_the_last_tilde() -> None:
    holder = LocalSigner.generate()
    credential = Issuer().issue(holder)
    shown = present(credential, ["ageOver18"], holder=holder, aud=AUDIENCE, nonce=NONCE, iat=NOW)
    head, kb_jwt = shown.rsplit("~", 1)
    kb = jwt.decode(
        kb_jwt,
        holder.private_key.public_key(),
        algorithms=["ES256"],
        audience=AUDIENCE,
        options={"verify_iat": False},
    )
    assert jwt.get_unverified_header(kb_jwt)["typ"] == "kb+jwt"
    expected = b64url_encode(hashlib.sha256((head + "~").encode("ascii")).digest())
    assert kb == {"iat": NOW, "aud": AUDIENCE, "nonce": NONCE, "sd_hash": expected}


def test_present_without_a_holder_key_ends_with_a_tilde() -> None:
    credential = Issuer().issue(None)
    shown = present(credential, ["surname"], holder=None, aud=AUDIENCE, nonce=NONCE, iat=NOW)
    assert shown.endswith("~") and parse(shown).kb_jwt is None


def test_present_refuses_a_claim_the_credential_cannot_disclose() -> None:
    credential = Issuer().issue(None)
    with pytest.raises(ValueError, match="no disclosable claim nickname"):
        present(credential, ["nickname"], holder=None, aud=AUDIENCE, nonce=NONCE, iat=NOW)


def test_unverified_claims_merge_payload_and_disclosures() -> None:
    credential = Issuer().issue(None)
    claims = unverified_claims(credential)
    assert {k: claims[k] for k in RESIDENT_ID} == RESIDENT_ID
    assert claims["iss"] == "https://onetrip.example" and "_sd" not in claims
