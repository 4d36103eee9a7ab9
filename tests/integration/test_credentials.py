"""无证明城市 on moto: issuance from the registry, the wallet, revocation and the
published status list, through the emulated API (CloudFront behaviour for the lists)."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tests.builders import CLERK, REGISTRAR, claims
from tests.support.identity_flow import IdentityDesk
from tests.support.wallet_flow import Wallet, citizen, disclosed, holder_key

ISSUER_ADMIN = claims("issuer_admin")


@pytest.fixture
def desk(cloud: Any) -> IdentityDesk:
    return IdentityDesk(cloud)


@pytest.fixture
def wallet(cloud: Any) -> Wallet:
    return Wallet(cloud)


def test_the_catalogue_lists_the_types_of_api_md(cloud: Any) -> None:
    result = cloud.api("GET", "/credential-types", claims=claims("venue"))
    assert result.status == 200
    types = {t["type"]: t for t in result.json}
    assert set(types) == {
        "resident_id", "household_register", "driving_licence", "residence_permit",
        "household_proof", "no_criminal_record", "kinship_proof",
    }  # fmt: skip
    assert types["resident_id"]["claims"] == [
        "surname", "givenName", "gender", "birthDate", "ethnicity", "idNumber",
        "ageOver18", "ageOver60",
    ]  # fmt: skip
    assert types["resident_id"]["name"] == "居民身份证"
    assert types["resident_id"]["kind"] == "certificate"
    assert types["no_criminal_record"]["kind"] == "proof"
    assert cloud.api("GET", "/credential-types").status == 401


def test_a_citizen_issues_a_resident_id_from_the_registry(
    desk: IdentityDesk, wallet: Wallet
) -> None:
    # Given a registered person born 1950-1990 (adult, not yet 60 unless born early)
    person = desk.register(surname="欧阳", givenName="娜娜")
    _, jwk = holder_key()

    # When the citizen asks for a resident ID bound to their wallet key
    result = wallet.issue(citizen(person), type="resident_id", holderJwk=jwk)

    # Then the credential carries the registry's values, each as a disclosure
    assert result.status == 201, result.json
    body = result.json
    assert (body["type"], body["status"], body["format"]) == ("resident_id", "valid", "dc+sd-jwt")
    payload = wallet.verified_payload(body["credential"])
    assert payload["vct"] == "urn:onetrip:credential:resident_id:1"
    assert payload["iss"] == wallet.jwks()["issuer"]
    assert payload["cnf"] == {"jwk": jwk}
    assert payload["_sd_alg"] == "sha-256"
    assert payload["exp"] - payload["iat"] == 365 * 86400
    assert set(payload["status"]["status_list"]) == {"idx", "uri"}
    assert "surname" not in payload and "idNumber" not in payload  # only as digests
    values = disclosed(body["credential"], payload)
    born = int(person["birthDate"][:4])
    assert values == {
        "surname": "欧阳", "givenName": "娜娜", "gender": person["gender"],
        "birthDate": person["birthDate"], "ethnicity": "汉族", "idNumber": person["idNumber"],
        "ageOver18": True, "ageOver60": values["ageOver60"],
    }  # fmt: skip
    if born <= 1965:  # at least 61 by 2026
        assert values["ageOver60"] is True
    if born >= 1967:
        assert values["ageOver60"] is False
    assert len(payload["_sd"]) > len(values)  # decoys hide the claim count
    assert wallet.status_of(body) == 0


def test_bad_requests_get_exact_problems(desk: IdentityDesk, wallet: Wallet) -> None:
    person = desk.register()
    own = citizen(person)
    unknown = wallet.issue(own, type="passport")
    assert (unknown.status, unknown.json["errors"][0]["field"]) == (422, "type")
    not_issuable = wallet.issue(own, type="no_criminal_record")
    assert (not_issuable.status, not_issuable.json["errors"][0]["field"]) == (422, "type")
    for bad in ({"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"},
                {"kty": "RSA", "n": "AQAB", "e": "AQAB"}, "not a key", 7):  # fmt: skip
        result = wallet.issue(own, type="resident_id", holderJwk=bad)
        assert (result.status, result.json["errors"][0]["field"]) == (422, "holderJwk"), bad
    no_person = wallet.issue(CLERK, type="resident_id")
    assert (no_person.status, no_person.json["errors"][0]["field"]) == (422, "personId")
    assert wallet.issue(CLERK, type="resident_id", personId="per_nobody").status == 404
    stranger = claims("citizen", sub="c-x", idNumber="110101199003074514")
    assert wallet.issue(stranger, type="resident_id").status == 404
    # Role first: a role that may not issue gets 403 even with a bad body
    assert wallet.issue(claims("approver"), type="passport").status == 403
    assert wallet.issue(REGISTRAR, type="resident_id", personId=person["personId"]).status == 403


def test_a_citizen_sees_and_revokes_only_their_own(desk: IdentityDesk, wallet: Wallet) -> None:
    # Given two citizens, each with a credential
    alice, bob = desk.register(), desk.register()
    mine = wallet.issue(citizen(alice, "alice"), type="resident_id").json
    theirs = wallet.issued(bob, "household_register")

    # Then each lists only their own; another's id is a 404, as if it did not exist
    assert [c["credentialId"] for c in wallet.list(citizen(alice, "alice"))] == [
        mine["credentialId"]
    ]
    assert wallet.get(theirs["credentialId"], citizen(alice, "alice")).status == 404
    assert wallet.revoke(theirs["credentialId"], citizen(alice, "alice")).status == 404
    assert wallet.get(theirs["credentialId"], REGISTRAR).status == 200
    assert wallet.get(theirs["credentialId"], CLERK).status == 403
    # A citizen naming another person's id to issue for gets 404
    result = wallet.issue(citizen(alice, "alice"), type="resident_id", personId=bob["personId"])
    assert result.status == 404
    assert wallet.get("cred_unknown", REGISTRAR).status == 404


def test_revocation_is_final_and_reaches_the_status_list(
    desk: IdentityDesk, wallet: Wallet
) -> None:
    # Given an issued credential, valid in the published list
    person = desk.register()
    credential = wallet.issue(citizen(person), type="resident_id").json
    other = wallet.issued(person, "household_proof")

    # When the citizen revokes it (lost phone)
    first = wallet.revoke(credential["credentialId"], citizen(person))

    # Then it is revoked, its entry is 1 (invalid), the other credential stays 0
    assert first.status == 200, first.json
    assert (first.json["status"], first.json["revocationReason"]) == ("revoked", "lost")
    assert wallet.status_of(credential) == 1
    assert wallet.status_of(other) == 0
    # And revoking again is a conflict, by anyone
    again = wallet.revoke(credential["credentialId"], ISSUER_ADMIN, "issued_in_error")
    assert again.status == 409
    assert wallet.get(credential["credentialId"], REGISTRAR).json["status"] == "revoked"
    bad = wallet.revoke(other["credentialId"], REGISTRAR, "because")
    assert (bad.status, bad.json["errors"][0]["field"]) == (422, "reason")


def test_status_indices_are_random_and_never_handed_out_twice(
    desk: IdentityDesk, wallet: Wallet, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a credential holding some index
    person = desk.register()
    first = wallet.issued(person)
    taken = wallet.verified_payload(first["credential"])["status"]["status_list"]["idx"]

    # When the random pick lands on that index first
    picks = iter([taken, taken + 1 if taken + 1 < 2**20 else taken - 1])
    real = secrets.randbelow
    monkeypatch.setattr(
        "onetrip.logic.credentials.issuance.secrets.randbelow",
        lambda n: next(picks, None) if n == 2**20 else real(n),
    )
    second = wallet.issued(person)

    # Then the conditional claim refused it and the retry took another
    index = wallet.verified_payload(second["credential"])["status"]["status_list"]["idx"]
    assert index != taken and abs(index - taken) == 1


def test_key_rotation_signs_new_credentials_and_keeps_the_old_key_published(
    fresh_cloud: Any,
) -> None:
    desk, wallet = IdentityDesk(fresh_cloud), Wallet(fresh_cloud)
    person = desk.register()
    before = wallet.issued(person)
    old_kid = wallet.jwks()["jwks"]["keys"][0]["kid"]

    # Only the issuer admin may rotate
    assert fresh_cloud.api("POST", "/issuer-keys/rotation", claims=REGISTRAR).status == 403
    rotated = fresh_cloud.api("POST", "/issuer-keys/rotation", claims=ISSUER_ADMIN)
    assert rotated.status == 201, rotated.json
    new_kid = rotated.json["kid"]
    assert new_kid != old_kid and rotated.json["previousKid"] == old_kid

    after = wallet.issued(person)
    import jwt

    assert jwt.get_unverified_header(after["credential"].split("~")[0])["kid"] == new_kid
    assert {k["kid"] for k in wallet.jwks()["jwks"]["keys"]} == {old_kid, new_kid}
    # Both still verify against the published keys
    assert wallet.verified_payload(before["credential"])["vct"]
    assert wallet.verified_payload(after["credential"])["vct"]
    # The JWKS carries public keys only
    assert all("d" not in k for k in wallet.jwks()["jwks"]["keys"])


def test_status_lists_and_issuer_metadata_need_no_token(fresh_cloud: Any) -> None:
    swept = fresh_cloud.fire_schedule(
        "StatusListSweep", __import__("datetime").datetime.now(__import__("datetime").UTC)
    )
    assert swept == {"published": ["1"]}
    listed = fresh_cloud.api("GET", "/status-lists/1")
    assert listed.status == 200
    assert listed.headers["cache-control"] == "public, max-age=30"
    assert fresh_cloud.api("GET", "/status-lists/99").status == 403  # S3 behind OAC
    metadata = fresh_cloud.api("GET", "/.well-known/jwt-vc-issuer")
    assert metadata.status == 200 and metadata.json["issuer"].startswith("https://")


def test_an_issued_credential_verifies_with_the_reference_implementation(
    desk: IdentityDesk, wallet: Wallet
) -> None:
    # Oracle: the OWF `sd-jwt` reference verifier (formats, digests, KB-JWT), with the key
    # the issuer metadata publishes.
    import time

    from jwcrypto.jwk import JWK
    from onetrip.vc.jws import LocalSigner
    from onetrip.vc.sdjwt import present
    from sd_jwt.verifier import SDJWTVerifier

    person = desk.register(surname="李")
    holder = LocalSigner.generate()
    jwk = {k: holder.public_jwk()[k] for k in ("kty", "crv", "x", "y")}
    issued = wallet.issue(citizen(person), type="resident_id", holderJwk=jwk).json
    shown = present(
        issued["credential"], ["surname", "ageOver18"], holder=holder,
        aud="https://venue.example", nonce="n-42", iat=int(time.time()),
    )  # fmt: skip
    keys = {k["kid"]: k for k in wallet.jwks()["jwks"]["keys"]}
    verifier = SDJWTVerifier(
        shown,
        lambda iss, header: JWK(**keys[header["kid"]]),
        expected_aud="https://venue.example",
        expected_nonce="n-42",
    )
    claims = verifier.get_verified_payload()
    assert (claims["surname"], claims["ageOver18"]) == ("李", True)
    assert "idNumber" not in claims and "birthDate" not in claims
