"""verify_presentation: every failure of issue 9's "Bad input and security" list names its check."""

from __future__ import annotations

import hashlib
import hmac
import json
import random

import pytest
from cryptography.hazmat.primitives import serialization
from onetrip.vc import verify as verify_module
from onetrip.vc.b64 import b64url_decode, b64url_encode
from onetrip.vc.jws import LocalSigner, sign_compact
from onetrip.vc.sdjwt import Disclosure, parse, sd_hash
from onetrip.vc.status_list import Status
from onetrip.vc.verify import CHECKS, VerificationResult

from tests.credentials import AUDIENCE, NONCE, NOW, STATUS_URI, Issuer, presentation

REQUESTED = ("surname", "ageOver18")


@pytest.fixture
def issuer() -> Issuer:
    return Issuer()


@pytest.fixture
def holder() -> LocalSigner:
    return LocalSigner.generate()


def failed(result: VerificationResult) -> tuple[str, str]:
    assert result.verdict == "rejected", result.checks
    assert result.claims == {}
    check = result.failed
    assert check is not None
    return check.name, check.code


def with_kb(issuer_jwt: str, disclosures: list[str], holder: LocalSigner, **kb: object) -> str:
    """A presentation over exactly these disclosures, with a correct KB-JWT unless overridden."""
    sd_jwt = "~".join([issuer_jwt, *disclosures]) + "~"
    payload = {"iat": NOW - 5, "aud": AUDIENCE, "nonce": NONCE, "sd_hash": sd_hash(sd_jwt), **kb}
    return sd_jwt + sign_compact({"typ": "kb+jwt"}, payload, holder)


def encoded(credential: str, *names: str) -> list[str]:
    by_name = {d.name: d.encoded for d in parse(credential).disclosures}
    return [by_name[name] for name in names]


def reissue_header(issuer_jwt: str, header: dict, signature: bytes) -> str:
    _, payload, _ = issuer_jwt.split(".")
    return f"{b64url_encode(json.dumps(header).encode())}.{payload}.{b64url_encode(signature)}"


# --- the good path -------------------------------------------------------------------------------


def test_a_good_presentation_is_verified_and_yields_only_the_disclosed_claims(
    issuer: Issuer, holder: LocalSigner
) -> None:
    result = issuer.verify(presentation(issuer.issue(holder), holder), REQUESTED)
    assert result.verdict == "verified"
    assert result.claims == {"surname": "李", "ageOver18": True}
    assert [c.name for c in result.checks] == list(CHECKS)
    assert {c.name: (c.status, c.code) for c in result.checks} == {
        **{name: ("valid", "ok") for name in CHECKS},
        "credentialType": ("skipped", "not_required"),
    }
    assert result.status_list_age == 30
    assert "30 s old" in result.check("status").detail


def test_the_requested_credential_type_is_checked(issuer: Issuer, holder: LocalSigner) -> None:
    shown = presentation(issuer.issue(holder), holder)
    vct = "https://onetrip.example/credentials/resident_id"
    assert (
        issuer.verify(shown, REQUESTED, expected_vct=vct).check("credentialType").status == "valid"
    )
    wrong = issuer.verify(
        shown, REQUESTED, expected_vct=vct.replace("resident_id", "driving_licence")
    )
    assert failed(wrong) == ("credentialType", "wrong_type")


# --- malformed SD-JWT ----------------------------------------------------------------------------


def test_a_bare_jwt_without_any_tilde_is_a_format_failure(
    issuer: Issuer, holder: LocalSigner
) -> None:
    issuer_jwt = issuer.issue(holder).split("~")[0]
    result = issuer.verify(issuer_jwt, REQUESTED)
    assert failed(result) == ("format", "tilde_structure")
    assert all(c.status == "skipped" for c in result.checks[1:])


def test_a_missing_final_tilde_is_a_format_failure(issuer: Issuer, holder: LocalSigner) -> None:
    credential = issuer.issue(holder)
    issuer_jwt = credential.split("~")[0]
    truncated = "~".join([issuer_jwt, *encoded(credential, *REQUESTED)])  # last '~' dropped
    assert failed(issuer.verify(truncated, REQUESTED)) == ("format", "tilde_structure")


def test_bad_base64url_in_a_disclosure(issuer: Issuer, holder: LocalSigner) -> None:
    credential = issuer.issue(holder)
    broken = [encoded(credential, "surname")[0] + "+", *encoded(credential, "ageOver18")]
    shown = with_kb(credential.split("~")[0], broken, holder)
    assert failed(issuer.verify(shown, REQUESTED)) == ("format", "bad_base64url")


def test_a_disclosure_that_is_not_json(issuer: Issuer, holder: LocalSigner) -> None:
    credential = issuer.issue(holder)
    shown = with_kb(credential.split("~")[0], [b64url_encode(b'["salt", "surname", ')], holder)
    assert failed(issuer.verify(shown, REQUESTED)) == ("format", "disclosure_not_json")


def test_a_disclosure_not_in_sd(issuer: Issuer, holder: LocalSigner) -> None:
    credential = issuer.issue(holder)
    forged = Disclosure.create("surname", "李", b64url_encode(b"another salt 16b")).encoded
    shown = with_kb(credential.split("~")[0], [forged, *encoded(credential, "ageOver18")], holder)
    result = issuer.verify(shown, REQUESTED)
    assert failed(result) == ("disclosures", "digest_not_in_sd")
    assert result.check("sdHash").status == "valid"  # the holder signed it; the issuer did not


def test_a_duplicate_disclosure(issuer: Issuer, holder: LocalSigner) -> None:
    credential = issuer.issue(holder)
    surname, age = encoded(credential, *REQUESTED)
    shown = with_kb(credential.split("~")[0], [surname, age, surname], holder)
    assert failed(issuer.verify(shown, REQUESTED)) == ("disclosures", "duplicate_disclosure")


def test_a_tampered_disclosed_claim(issuer: Issuer, holder: LocalSigner) -> None:
    credential = issuer.issue(holder)
    original = parse(credential).disclosures
    age = next(d for d in original if d.name == "ageOver18")
    tampered = Disclosure.create(
        "surname", "王", next(d.salt for d in original if d.name == "surname")
    )
    shown = with_kb(credential.split("~")[0], [tampered.encoded, age.encoded], holder)
    assert failed(issuer.verify(shown, REQUESTED)) == ("disclosures", "digest_not_in_sd")


def test_a_tampered_signed_claim(issuer: Issuer, holder: LocalSigner) -> None:
    credential = issuer.issue(holder, exp=NOW - 10)  # expired credential ...
    header, payload, signature = credential.split("~")[0].split(".")
    claims = json.loads(b64url_decode(payload))
    claims["exp"] = NOW + 10**6  # ... made to look valid
    forged_jwt = f"{header}.{b64url_encode(json.dumps(claims).encode())}.{signature}"
    shown = with_kb(forged_jwt, encoded(credential, *REQUESTED), holder)
    result = issuer.verify(shown, REQUESTED)
    assert failed(result) == ("signature", "bad_signature")
    assert result.check("notExpired").status == "skipped"  # nothing unsigned is reported valid


def test_alg_none(issuer: Issuer, holder: LocalSigner) -> None:
    credential = issuer.issue(holder)
    header = {"alg": "none", "typ": "dc+sd-jwt", "kid": issuer.signer.kid}
    unsigned = reissue_header(credential.split("~")[0], header, b"")
    shown = with_kb(unsigned, encoded(credential, *REQUESTED), holder)
    assert failed(issuer.verify(shown, REQUESTED)) == ("signature", "alg_not_allowed")


def test_hs256_keyed_with_the_issuers_public_key(issuer: Issuer, holder: LocalSigner) -> None:
    credential = issuer.issue(holder)
    header = {"alg": "HS256", "typ": "dc+sd-jwt", "kid": issuer.signer.kid}
    head = b64url_encode(json.dumps(header).encode())
    payload = credential.split("~")[0].split(".")[1]
    public_pem = issuer.signer.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    mac = hmac.new(public_pem, f"{head}.{payload}".encode(), hashlib.sha256).digest()
    shown = with_kb(
        f"{head}.{payload}.{b64url_encode(mac)}", encoded(credential, *REQUESTED), holder
    )
    assert failed(issuer.verify(shown, REQUESTED)) == ("signature", "alg_not_allowed")


def test_an_unknown_kid(issuer: Issuer, holder: LocalSigner) -> None:
    stranger = Issuer(signer=LocalSigner.generate("someone-elses-key"))
    shown = presentation(stranger.issue(holder), holder)
    assert failed(issuer.verify(shown, REQUESTED)) == ("signature", "unknown_kid")


def test_an_embedded_key_is_never_trusted(issuer: Issuer, holder: LocalSigner) -> None:
    attacker = LocalSigner.generate(issuer.signer.kid)  # same kid, different key, key in header
    forged = Issuer(signer=attacker)
    credential = forged.issue(holder)
    header = {"alg": "ES256", "typ": "dc+sd-jwt", "kid": attacker.kid, "jwk": attacker.public_jwk()}
    signing = ".".join([b64url_encode(json.dumps(header).encode()), credential.split(".")[1]])
    issuer_jwt = f"{signing}.{b64url_encode(attacker.sign(signing.encode()))}"
    shown = with_kb(issuer_jwt, encoded(credential, *REQUESTED), holder)
    assert failed(issuer.verify(shown, REQUESTED)) == ("signature", "bad_signature")


def test_over_64_kb(issuer: Issuer, holder: LocalSigner) -> None:
    credential = issuer.issue(holder, claims={"surname": "李" * 30000, "ageOver18": True})
    result = issuer.verify(presentation(credential, holder), REQUESTED)
    assert failed(result) == ("format", "too_large")
    assert result.check("format").detail.endswith("at most 65536")


# --- holder binding, nonce, audience -------------------------------------------------------------


def test_a_wrong_nonce(issuer: Issuer, holder: LocalSigner) -> None:
    shown = presentation(issuer.issue(holder), holder, nonce="replayed-nonce")
    assert failed(issuer.verify(shown, REQUESTED)) == ("nonce", "nonce_mismatch")


def test_a_wrong_audience(issuer: Issuer, holder: LocalSigner) -> None:
    shown = presentation(issuer.issue(holder), holder, aud="venue:internet-cafe-9")
    assert failed(issuer.verify(shown, REQUESTED)) == ("holderBinding", "wrong_audience")


def test_a_stale_kb_jwt(issuer: Issuer, holder: LocalSigner) -> None:
    shown = presentation(issuer.issue(holder), holder, iat=NOW - 301)
    assert failed(issuer.verify(shown, REQUESTED)) == ("holderBinding", "iat_stale")


def test_a_kb_jwt_from_the_future(issuer: Issuer, holder: LocalSigner) -> None:
    shown = presentation(issuer.issue(holder), holder, iat=NOW + 600)
    assert failed(issuer.verify(shown, REQUESTED)) == ("holderBinding", "iat_in_future")


def test_no_kb_jwt(issuer: Issuer, holder: LocalSigner) -> None:
    shown = presentation(issuer.issue(holder), None)
    result = issuer.verify(shown, REQUESTED)
    assert failed(result) == ("holderBinding", "kb_jwt_missing")
    assert result.check("nonce").status == "skipped"


def test_a_kb_jwt_signed_by_someone_else(issuer: Issuer, holder: LocalSigner) -> None:
    shown = presentation(issuer.issue(holder), LocalSigner.generate())
    assert failed(issuer.verify(shown, REQUESTED)) == ("holderBinding", "bad_signature")


def test_sd_hash_must_cover_the_disclosures_presented(issuer: Issuer, holder: LocalSigner) -> None:
    credential = issuer.issue(holder)
    shown = presentation(credential, holder, disclose=["surname", "ageOver18"])
    issuer_jwt, _, age, kb_jwt = shown.split("~")
    swapped = "~".join([issuer_jwt, encoded(credential, "gender")[0], age, kb_jwt])
    assert failed(issuer.verify(swapped, ["gender", "ageOver18"])) == ("sdHash", "sd_hash_mismatch")


def test_a_credential_without_cnf_cannot_bind(issuer: Issuer, holder: LocalSigner) -> None:
    shown = presentation(issuer.issue(None), holder)
    assert failed(issuer.verify(shown, REQUESTED)) == ("holderBinding", "credential_not_bound")


# --- status, validity, issuer, data minimisation -------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code"), [(Status.INVALID, "revoked"), (Status.SUSPENDED, "suspended")]
)
def test_revoked_and_suspended_credentials(
    issuer: Issuer, holder: LocalSigner, status: Status, code: str
) -> None:
    shown = presentation(issuer.issue(holder, idx=42), holder)
    issuer.revoke(42, status)
    assert failed(issuer.verify(shown, REQUESTED)) == ("status", code)


def test_an_unreachable_status_list_is_an_error_not_a_pass(
    issuer: Issuer, holder: LocalSigner
) -> None:
    def offline(uri: str) -> verify_module.ResolvedStatusList:
        raise LookupError("no cached copy")

    result = issuer.verify(presentation(issuer.issue(holder), holder), REQUESTED, statuses=offline)
    assert result.verdict == "error" and result.claims == {}
    assert (result.check("status").status, result.check("status").code) == (
        "error",
        "status_list_unavailable",
    )


def test_an_expired_credential(issuer: Issuer, holder: LocalSigner) -> None:
    shown = presentation(issuer.issue(holder, exp=NOW), holder)
    assert failed(issuer.verify(shown, REQUESTED)) == ("notExpired", "expired")


def test_a_credential_of_another_issuer(issuer: Issuer, holder: LocalSigner) -> None:
    shown = presentation(issuer.issue(holder, iss="https://elsewhere.example"), holder)
    result = issuer.verify(shown, REQUESTED, keys=lambda iss, header: issuer.signer.public_jwk())
    assert failed(result) == ("issuer", "wrong_issuer")


def test_more_claims_than_requested(issuer: Issuer, holder: LocalSigner) -> None:
    shown = presentation(issuer.issue(holder), holder, disclose=["ageOver18", "idNumber"])
    result = issuer.verify(shown, ["ageOver18"])
    assert failed(result) == ("onlyRequestedClaims", "extra_claims")
    assert "idNumber" in result.check("onlyRequestedClaims").detail


def test_fewer_claims_than_requested(issuer: Issuer, holder: LocalSigner) -> None:
    shown = presentation(issuer.issue(holder), holder, disclose=["ageOver18"])
    assert failed(issuer.verify(shown, REQUESTED)) == ("onlyRequestedClaims", "missing_claims")


# --- robustness ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "junk", [None, 42, b"bytes", {"a": 1}, "", "~", "~~~", "a.b.c~", "é~", "\ud800~"]
)
def test_junk_is_rejected_never_raised(issuer: Issuer, junk: object) -> None:
    result = issuer.verify(junk, REQUESTED)  # type: ignore[arg-type]
    assert result.verdict == "rejected" and result.failed is not None
    assert result.failed.name == "format"


def test_random_mutations_never_raise_and_never_verify(issuer: Issuer, holder: LocalSigner) -> None:
    shown = presentation(issuer.issue(holder), holder)
    rng = random.Random(9)
    alphabet = "~.-_AZaz09=+/"
    for _ in range(300):
        position = rng.randrange(len(shown))
        mutated = shown[:position] + rng.choice(alphabet) + shown[position + 1 :]
        if mutated == shown:
            continue
        result = issuer.verify(mutated, REQUESTED)
        assert result.verdict in ("rejected", "error")
        assert not any(c.code == "internal_error" for c in result.checks), result.checks


def test_every_reason_code_produced_is_documented(issuer: Issuer, holder: LocalSigner) -> None:
    doc = verify_module.__doc__ or ""
    cases = [
        issuer.verify(presentation(issuer.issue(holder), holder, nonce="x"), REQUESTED),
        issuer.verify("x", REQUESTED),
        issuer.verify(presentation(issuer.issue(holder), None), REQUESTED),
    ]
    for result in cases:
        for check in result.checks:
            assert f" {check.code} " in doc or check.code in ("ok", "not_checked"), check


@pytest.mark.parametrize(
    ("change", "check", "code"),
    [
        ({"status": "valid"}, "status", "status_claim_missing"),
        ({"status": {"status_list": {"idx": "7", "uri": "x"}}}, "status", "status_claim_missing"),
        (
            {"status": {"status_list": {"idx": 5000, "uri": STATUS_URI}}},
            "status",
            "index_out_of_range",
        ),
        ({"exp": "tomorrow"}, "notExpired", "bad_time_claim"),
        ({"exp": None}, "notExpired", "exp_missing"),
        ({"nbf": NOW + 3600}, "notExpired", "not_yet_valid"),
        ({"iat": NOW + 3600}, "notExpired", "issued_in_future"),
        ({"cnf": {"jwk": "not a key"}}, "holderBinding", "bad_holder_key"),
        (
            {"cnf": {"jwk": {**LocalSigner.generate().public_jwk(), "d": "AA"}}},
            "holderBinding",
            "bad_holder_key",
        ),
        ({"_sd_alg": "sha-512"}, "sdHash", "unsupported_sd_alg"),
        ({"_sd": "not a list"}, "disclosures", "duplicate_digest"),
        ({"surname": "张"}, "disclosures", "claim_name_clash"),
    ],
)
def test_odd_signed_payloads_fail_their_own_check(
    issuer: Issuer, holder: LocalSigner, change: dict, check: str, code: str
) -> None:
    credential = issuer.issue(holder)
    payload = {**parse_payload(credential), **change}
    payload = {k: v for k, v in payload.items() if v is not None}
    resigned = sign_compact({"typ": "dc+sd-jwt"}, payload, issuer.signer)
    shown = with_kb(resigned, encoded(credential, *REQUESTED), holder)
    assert failed(issuer.verify(shown, REQUESTED)) == (check, code)


def parse_payload(credential: str) -> dict:
    return json.loads(b64url_decode(credential.split("~")[0].split(".")[1]))
