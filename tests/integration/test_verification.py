"""Verification at a venue (无证明城市) on moto, through the emulated API: the data
minimisation table, the cross-device flow, each bad input of issue 9 as its own test
(exact status and failed check), venue and citizen isolation, and the activity log."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from xml.etree import ElementTree

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from onetrip.clock import parse_instant

from tests.builders import claims
from tests.support.identity_flow import IdentityDesk
from tests.support.verification_flow import (
    HOTEL_CLAIMS,
    VenueDesk,
    assemble,
    b64,
    disclosure_name,
    parts_of,
    present,
    send,
)
from tests.support.wallet_flow import Wallet, b64url, citizen, holder_key

API_CHECKS = {"signature", "issuer", "notExpired", "status", "holderBinding", "nonce",
              "onlyRequestedClaims"}  # fmt: skip


@pytest.fixture(scope="module")
def holder(cloud: Any) -> dict[str, Any]:
    """A registered person whose wallet holds a resident ID bound to its key."""
    person = IdentityDesk(cloud).register(surname="欧阳", givenName="娜娜", gender="female")
    key, jwk = holder_key()
    credential = Wallet(cloud).issued(person, holderJwk=jwk)
    return {"person": person, "key": key, "credential": credential,
            "citizen": citizen(person, sub="verify-citizen")}  # fmt: skip


@pytest.fixture(scope="module")
def hotel(cloud: Any) -> VenueDesk:
    return VenueDesk.register(cloud, "hotel", "江北宾馆")


def _answer(cloud: Any, hotel: VenueDesk, holder: dict[str, Any], presentation: Any) -> Any:
    """Ask with the hotel's row, present, and return the venue's reading of the result."""
    request = hotel.asked()
    sent = send(cloud, request["verificationId"], holder["citizen"], presentation(request))
    assert sent.status == 200, sent.json
    result = hotel.result(request["verificationId"])
    assert result.status == 200
    assert result.json["status"] == sent.json["status"]
    return result.json


def _honest(holder: dict[str, Any], disclose: list[str] = HOTEL_CLAIMS) -> Any:
    def build(request: dict[str, Any]) -> str:
        return present(holder["key"], holder["credential"]["credential"], disclose,
                       aud=request["audience"], nonce=request["nonce"])  # fmt: skip

    return build


# --- venues and the data-minimisation table ----------------------------------------------


def test_a_registered_venue_learns_what_its_kind_may_ask(cloud: Any) -> None:
    cafe = VenueDesk.register(cloud, "internet_cafe", "星空网吧")
    assert cafe.venue["kind"] == "internet_cafe" and cafe.venue["venueId"].startswith("ven_")
    # API.md: internet_cafe -> resident_id {ageOver18, surname, idNumber}
    assert cafe.venue["mayAsk"] == {"resident_id": ["surname", "idNumber", "ageOver18"]}
    seen = cloud.api("GET", f"/venues/{cafe.venue['venueId']}", claims=cafe.caller)
    assert seen.status == 200 and seen.json["name"] == "星空网吧"


@pytest.mark.parametrize(
    ("kind", "asked", "status"),
    [
        ("hotel", HOTEL_CLAIMS, 201),
        ("hotel", [*HOTEL_CLAIMS, "birthDate"], 403),
        ("internet_cafe", ["ageOver18", "surname", "idNumber"], 201),
        ("internet_cafe", ["ageOver18", "givenName"], 403),
        ("scenic_spot", ["ageOver60"], 201),
        ("scenic_spot", ["ageOver60", "surname"], 403),
        ("scenic_spot", ["ageOver18"], 403),
    ],
)
def test_a_venue_may_ask_only_for_its_kinds_claims(
    cloud: Any, kind: str, asked: list[str], status: int
) -> None:
    desk = VenueDesk.register(cloud, kind, f"{kind} 1")
    result = desk.ask(asked)
    assert result.status == status, result.json
    if status == 403:
        assert "data minimisation" in result.json["detail"]


def test_a_type_the_kind_may_not_ask_about_is_forbidden_and_unknown_ones_invalid(
    cloud: Any, hotel: VenueDesk
) -> None:
    assert hotel.ask(["surname"], type_="household_register").status == 403
    unknown_type = hotel.ask(["surname"], type_="passport")
    assert unknown_type.status == 422 and unknown_type.json["errors"][0]["field"] == "type"
    unknown_claim = hotel.ask(["surname", "bloodType"])
    assert unknown_claim.status == 422 and unknown_claim.json["errors"][0]["field"] == "claims"
    assert hotel.ask([]).status == 422


def test_a_venue_token_without_a_registered_venue_is_forbidden(cloud: Any) -> None:
    body = {"type": "resident_id", "claims": ["ageOver60"], "purpose": "门票优惠"}
    for caller in (claims("venue"), claims("venue", venue="ven_unknown")):
        assert cloud.api("POST", "/verifications", body=body, claims=caller).status == 403


def test_a_request_has_a_fresh_nonce_the_venues_audience_and_five_minutes(
    cloud: Any, hotel: VenueDesk, holder: dict[str, Any]
) -> None:
    first, second = hotel.asked(), hotel.asked()
    assert first["status"] == "pending" and first["nonce"] != second["nonce"]
    assert len(b64url(first["nonce"])) >= 16  # 128 bits
    assert first["audience"] == second["audience"] == f"urn:onetrip:venue:{hotel.venue['venueId']}"
    expires = parse_instant(first["expiresAt"])
    request_uri = first["requestUri"]
    assert request_uri.endswith(f"/verifications/{first['verificationId']}/request")
    shown = cloud.api("GET", f"/verifications/{first['verificationId']}/request",
                      claims=holder["citizen"])  # fmt: skip
    assert shown.status == 200
    assert shown.json == {
        "verificationId": first["verificationId"],
        "venue": {"name": "江北宾馆", "kind": "hotel"},
        "purpose": "入住登记", "type": "resident_id", "claims": HOTEL_CLAIMS,
        "nonce": first["nonce"], "audience": first["audience"], "expiresAt": first["expiresAt"],
    }  # fmt: skip
    pending = hotel.result(first["verificationId"]).json
    assert pending["status"] == "pending" and pending["claims"] == {}
    created_at = parse_instant(pending["createdAt"])
    assert timedelta(0) < expires - created_at <= timedelta(minutes=5)


def test_the_qr_code_is_an_svg_for_the_venue_only(
    cloud: Any, hotel: VenueDesk, holder: dict[str, Any]
) -> None:
    request = hotel.asked()
    path = f"/verifications/{request['verificationId']}/qr.svg"
    result = cloud.api("GET", path, claims=hotel.caller)
    assert result.status == 200 and result.headers["content-type"] == "image/svg+xml"
    root = ElementTree.fromstring(result.text)
    assert root.tag.endswith("svg") and root.find(".//{*}path") is not None
    other = VenueDesk.register(cloud, "hotel", "别家宾馆")
    assert cloud.api("GET", path, claims=other.caller).status == 404


# --- the cross-device flow ---------------------------------------------------------------


def test_a_hotel_verifies_a_citizen_and_sees_only_what_it_asked(
    cloud: Any, hotel: VenueDesk, holder: dict[str, Any]
) -> None:
    # Given a pending request of the hotel, when the wallet presents its row's claims
    result = _answer(cloud, hotel, holder, _honest(holder))

    # Then every check passed and the hotel reads exactly the four disclosed values
    assert result["status"] == "verified"
    assert set(result["checks"]) == API_CHECKS
    assert {name: c["status"] for name, c in result["checks"].items()} == dict.fromkeys(
        API_CHECKS, "valid"
    )
    person = holder["person"]
    assert result["claims"] == {
        "surname": "欧阳", "givenName": "娜娜", "idNumber": person["idNumber"],
        "gender": "female",
    }  # fmt: skip


def test_one_request_takes_one_presentation_and_a_replay_is_refused(
    cloud: Any, hotel: VenueDesk, holder: dict[str, Any]
) -> None:
    request = hotel.asked()
    presentation = _honest(holder)(request)
    assert (
        send(cloud, request["verificationId"], holder["citizen"], presentation).json["status"]
        == "verified"
    )
    replay = send(cloud, request["verificationId"], holder["citizen"], presentation)
    assert replay.status == 409, replay.json
    # The same presentation at another request of the same venue: its nonce is not this one's
    other = hotel.asked()
    elsewhere = send(cloud, other["verificationId"], holder["citizen"], presentation)
    assert elsewhere.json == {"verificationId": other["verificationId"], "status": "rejected",
                              "failedCheck": "nonce", "reason": "nonce_mismatch"}  # fmt: skip


def test_an_expired_request_takes_no_presentation(
    cloud: Any, hotel: VenueDesk, holder: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from onetrip.api.routes import verification as routes
    from onetrip.clock import now

    # Given a request made six minutes ago
    monkeypatch.setattr(routes, "now", lambda: now() - timedelta(minutes=6))
    request = hotel.asked()
    monkeypatch.undo()
    # Then the venue reads it as expired and a presentation is refused (409)
    assert hotel.result(request["verificationId"]).json["status"] == "expired"
    late = send(cloud, request["verificationId"], holder["citizen"], _honest(holder)(request))
    assert late.status == 409 and "expired" in late.json["detail"]
    assert hotel.result(request["verificationId"]).json["status"] == "expired"


# --- bad input and security: each rejected by name (issue 9) ------------------------------


def _spoilt(spoil: Any) -> Any:
    """A presentation whose issuer JWT and disclosures `spoil(issuer_jwt, disclosures,
    cloud)` changes; the KB-JWT is made afresh over what is sent, so only that is wrong."""

    def build(request: dict[str, Any], holder: dict[str, Any], cloud: Any) -> str:
        issuer_jwt, disclosures = parts_of(holder["credential"]["credential"])
        chosen = [d for d in disclosures if disclosure_name(d) in HOTEL_CLAIMS]
        issuer_jwt, chosen = spoil(issuer_jwt, chosen, cloud)
        return assemble(holder["key"], issuer_jwt, chosen, aud=request["audience"],
                        nonce=request["nonce"])  # fmt: skip

    return build


def _honestly(request: dict[str, Any], holder: dict[str, Any], cloud: Any) -> str:
    return str(_honest(holder)(request))


def _for(aud: str | None = None, nonce: str | None = None) -> Any:
    def build(request: dict[str, Any], holder: dict[str, Any], cloud: Any) -> str:
        return present(holder["key"], holder["credential"]["credential"], HOTEL_CLAIMS,
                       aud=aud or request["audience"], nonce=nonce or request["nonce"])  # fmt: skip

    return build


def _resigned(issuer_jwt: str, header: dict[str, Any], *, key: Any = None,
              payload: dict[str, Any] | None = None, alg: str = "ES256") -> str:  # fmt: skip
    body = payload or jwt.decode(issuer_jwt, options={"verify_signature": False})
    return jwt.encode(body, key or ec.generate_private_key(ec.SECP256R1()), algorithm=alg,
                      headers=header)  # fmt: skip


def _header(issuer_jwt: str, **changes: Any) -> dict[str, Any]:
    return {**jwt.get_unverified_header(issuer_jwt), **changes}


def _unsigned(issuer_jwt: str) -> str:
    header, payload, _ = issuer_jwt.split(".")
    head = json.loads(b64url(header))
    return f"{b64(json.dumps({**head, 'alg': 'none'}).encode())}.{payload}."


def _hs256_with_public_key(issuer_jwt: str, cloud: Any) -> str:
    import hashlib
    import hmac

    kid = jwt.get_unverified_header(issuer_jwt)["kid"]
    jwk = next(k for k in Wallet(cloud).jwks()["jwks"]["keys"] if k["kid"] == kid)
    public_pem = jwt.PyJWK.from_dict(jwk).key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = b64(json.dumps({"alg": "HS256", "typ": "dc+sd-jwt", "kid": kid}).encode())
    signing_input = f"{header}.{issuer_jwt.split('.')[1]}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(mac)}"


def _tampered_payload(issuer_jwt: str) -> str:
    header, payload, signature = issuer_jwt.split(".")
    body = json.loads(b64url(payload))
    body["vct"] = "urn:onetrip:credential:household_register:1"
    return f"{header}.{b64(json.dumps(body).encode())}.{signature}"


def _tampered_disclosure(disclosures: list[str]) -> list[str]:
    salt, name, value = json.loads(b64url(disclosures[0]))
    return [b64(json.dumps([salt, name, "假名"], ensure_ascii=False).encode()), *disclosures[1:]]


def _foreign_disclosure(disclosures: list[str]) -> list[str]:
    """A well-formed disclosure of a claim the hotel asked for, whose digest is not signed."""
    named = {disclosure_name(d): d for d in disclosures}
    salt = b64(b"0123456789abcdef")
    forged = b64(json.dumps([salt, "surname", "张"], ensure_ascii=False).encode())
    return [forged, *(d for n, d in named.items() if n != "surname")]


def _oversized(request: dict[str, Any], holder: dict[str, Any], cloud: Any) -> str:
    issuer_jwt, disclosures = parts_of(holder["credential"]["credential"])
    padding = b64(json.dumps([b64(b"salt-salt-salt-1"), "note", "x" * 70000]).encode())
    return assemble(holder["key"], issuer_jwt, [*disclosures[:1], padding],
                    aud=request["audience"], nonce=request["nonce"])  # fmt: skip


# (build, failed check, reason code) — the checks of API.md and vc/verify.py's codes.
BAD_PRESENTATIONS = [
    pytest.param(lambda r, h, c: "eyJhbGciOiJFUzI1NiJ9.e30.c2ln", "signature",
                 "tilde_structure", id="no ~ at all"),
    pytest.param(lambda r, h, c: _honestly(r, h, c).replace("~", "~~", 1), "signature",
                 "tilde_structure", id="empty part between two ~"),
    pytest.param(lambda r, h, c: _honestly(r, h, c) + "~tail", "signature",
                 "tilde_structure", id="no KB-JWT after the last ~"),
    pytest.param(_spoilt(lambda j, d, c: (j, ["!!not*base64!!", *d[1:]])), "signature",
                 "bad_base64url", id="bad base64url"),
    pytest.param(_spoilt(lambda j, d, c: (j, [b64(b"{not json"), *d[1:]])), "signature",
                 "disclosure_not_json", id="non-JSON disclosure"),
    pytest.param(_spoilt(lambda j, d, c: (j, _foreign_disclosure(d))), "signature",
                 "digest_not_in_sd", id="disclosure not in _sd"),
    pytest.param(_spoilt(lambda j, d, c: (j, [d[0], *d])), "signature",
                 "duplicate_disclosure", id="duplicate disclosure"),
    pytest.param(_spoilt(lambda j, d, c: (j, _tampered_disclosure(d))), "signature",
                 "digest_not_in_sd", id="tampered claim value"),
    pytest.param(_spoilt(lambda j, d, c: (_tampered_payload(j), d)), "signature",
                 "bad_signature", id="tampered signed payload"),
    pytest.param(_spoilt(lambda j, d, c: (_unsigned(j), d)), "signature",
                 "alg_not_allowed", id="alg none"),
    pytest.param(_spoilt(lambda j, d, c: (_resigned(j, _header(j, kid="not-our-key")), d)),
                 "signature", "unknown_kid", id="unknown kid"),
    pytest.param(_spoilt(lambda j, d, c: (_resigned(j, _header(j)), d)), "signature",
                 "bad_signature", id="our kid, someone else's key"),
    pytest.param(_spoilt(lambda j, d, c: (_hs256_with_public_key(j, c), d)), "signature",
                 "alg_not_allowed", id="HS256 with the public key"),
    pytest.param(_for(nonce="n-from-another-request"), "nonce", "nonce_mismatch",
                 id="wrong nonce"),
    pytest.param(_for(aud="urn:onetrip:venue:ven_elsewhere"), "holderBinding",
                 "wrong_audience", id="wrong audience"),
    pytest.param(lambda r, h, c: _honestly(r, h, c).rsplit("~", 1)[0] + "~", "holderBinding",
                 "kb_jwt_missing", id="no KB-JWT"),
    pytest.param(_oversized, "signature", "too_large", id="over 64 KB"),
]  # fmt: skip


@pytest.mark.parametrize(("build", "check", "reason"), BAD_PRESENTATIONS)
def test_a_bad_presentation_is_rejected_naming_the_failed_check(
    cloud: Any, hotel: VenueDesk, holder: dict[str, Any], build: Any, check: str, reason: str
) -> None:
    request = hotel.asked()
    sent = send(cloud, request["verificationId"], holder["citizen"], build(request, holder, cloud))
    assert sent.status == 200, sent.json
    assert sent.json == {"verificationId": request["verificationId"], "status": "rejected",
                         "failedCheck": check, "reason": reason}  # fmt: skip
    result = hotel.result(request["verificationId"]).json
    assert result["status"] == "rejected" and result["claims"] == {}
    assert (result["failedCheck"], result["checks"][check]["status"]) == (check, "invalid")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param({"presentation": 5}, 422, id="a number"),
        pytest.param({"presentation": ""}, 422, id="empty"),
        pytest.param({}, 422, id="missing"),
        pytest.param({"presentation": "x", "extra": 1}, 422, id="unknown key"),
        pytest.param("not json", 400, id="not JSON"),
    ],
)
def test_a_body_that_is_not_a_presentation_is_a_4xx_and_the_request_stays_open(
    cloud: Any, hotel: VenueDesk, holder: dict[str, Any], body: Any, status: int
) -> None:
    request = hotel.asked()
    path = f"/verifications/{request['verificationId']}/presentation"
    if isinstance(body, str):
        sent = cloud.api("POST", path, raw_body=body, claims=holder["citizen"],
                         headers={"content-type": "application/json"})  # fmt: skip
    else:
        sent = cloud.api("POST", path, body=body, claims=holder["citizen"])
    assert sent.status == status, sent.json
    assert hotel.result(request["verificationId"]).json["status"] == "pending"


@pytest.mark.parametrize(
    "garbage",
    ["~", "~~~~", "a~b~c", "证明~", "\x00~\x00", "e30.e30.e30~e30~", "." * 3 + "~" * 70000],
    ids=["one tilde", "only tildes", "three words", "not ASCII", "NUL bytes", "empty JSON",
         "70 KB of tildes"],
)  # fmt: skip
def test_garbage_is_rejected_by_a_check_and_never_a_5xx(
    cloud: Any, hotel: VenueDesk, holder: dict[str, Any], garbage: str
) -> None:
    request = hotel.asked()
    sent = send(cloud, request["verificationId"], holder["citizen"], garbage)
    assert (sent.status, sent.json["status"], sent.json["failedCheck"]) == (
        200, "rejected", "signature",
    )  # fmt: skip


def _set_status_entry(cloud: Any, credential: dict[str, Any], value: int) -> None:
    """Write the credential's 2-bit entry straight into the issuer's stored list (as a
    status change would) and let the sweep publish it: a suspension has no route yet."""
    payload = jwt.decode(credential["credential"].split("~")[0],
                         options={"verify_signature": False})  # fmt: skip
    reference = payload["status"]["status_list"]
    list_id, index = reference["uri"].rsplit("/", 1)[1], reference["idx"]
    dynamodb = cloud.boto("dynamodb")
    table = cloud.table("StatusLists")
    key = {"pk": {"S": f"LIST#{list_id}"}, "sk": {"S": "BITS"}}
    item = dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]
    raw = bytearray(zlib.decompress(b64url(item["lst"]["S"])))
    raw[index // 4] = (raw[index // 4] & ~(0b11 << 2 * (index % 4)) & 0xFF) | (
        value << 2 * (index % 4)
    )
    dynamodb.update_item(
        TableName=table, Key=key,
        UpdateExpression="SET lst = :lst, version = version + :one",
        ExpressionAttributeValues={
            ":lst": {"S": b64(zlib.compress(bytes(raw)))}, ":one": {"N": "1"}
        },
    )  # fmt: skip
    from onetrip.clock import now

    cloud.fire_schedule("StatusListSweep", now())


def test_a_revoked_credential_is_rejected_by_the_status_check(cloud: Any, hotel: VenueDesk) -> None:
    person = IdentityDesk(cloud).register()
    key, jwk = holder_key()
    wallet = Wallet(cloud)
    credential = wallet.issued(person, holderJwk=jwk)
    assert wallet.revoke(credential["credentialId"], citizen(person)).status == 200
    owner = {"key": key, "credential": credential, "citizen": citizen(person)}
    result = _answer(cloud, hotel, owner, _honest(owner))
    assert (result["status"], result["failedCheck"], result["reason"]) == (
        "rejected", "status", "revoked",
    )  # fmt: skip


def test_a_suspended_credential_is_rejected_by_the_status_check(
    cloud: Any, hotel: VenueDesk
) -> None:
    person = IdentityDesk(cloud).register()
    key, jwk = holder_key()
    credential = Wallet(cloud).issued(person, holderJwk=jwk)
    _set_status_entry(cloud, credential, 2)
    assert Wallet(cloud).status_of(credential) == 2
    owner = {"key": key, "credential": credential, "citizen": citizen(person)}
    result = _answer(cloud, hotel, owner, _honest(owner))
    assert (result["status"], result["failedCheck"], result["reason"]) == (
        "rejected", "status", "suspended",
    )  # fmt: skip


def test_a_key_retired_by_rotation_still_verifies_while_published(
    cloud: Any, hotel: VenueDesk, holder: dict[str, Any]
) -> None:
    # A token naming a kid we never published makes the verifier re-read the keys just now
    unknown = _spoilt(lambda j, d, c: (_resigned(j, _header(j, kid="never-published")), d))
    request = hotel.asked()
    assert send(cloud, request["verificationId"], holder["citizen"],
                unknown(request, holder, cloud)).json["reason"] == "unknown_kid"  # fmt: skip
    rotated = cloud.api("POST", "/issuer-keys/rotation", claims=claims("issuer_admin"))
    assert rotated.status == 201
    kid = jwt.get_unverified_header(holder["credential"]["credential"].split("~")[0])["kid"]
    assert kid in {k["kid"] for k in Wallet(cloud).jwks()["jwks"]["keys"]}
    assert _answer(cloud, hotel, holder, _honest(holder))["status"] == "verified"
    # And a credential the new key signs verifies at once (the verifier learns the new kid)
    person = IdentityDesk(cloud).register()
    key, jwk = holder_key()
    fresh = {"key": key, "credential": Wallet(cloud).issued(person, holderJwk=jwk),
             "citizen": citizen(person)}  # fmt: skip
    new_kid = jwt.get_unverified_header(fresh["credential"]["credential"].split("~")[0])["kid"]
    assert (new_kid, new_kid != kid) == (rotated.json["kid"], True)
    assert _answer(cloud, hotel, fresh, _honest(fresh))["status"] == "verified"


# --- isolation and the activity log ------------------------------------------------------


def test_a_venue_reads_only_its_own_verifications(
    cloud: Any, hotel: VenueDesk, holder: dict[str, Any]
) -> None:
    request = hotel.asked()
    other = VenueDesk.register(cloud, "hotel", "对面宾馆")
    assert other.result(request["verificationId"]).status == 404
    assert other.result("ver_unknown").status == 404
    assert hotel.result(request["verificationId"]).status == 200


def test_the_activity_log_names_every_presentation_and_never_a_value(
    cloud: Any, hotel: VenueDesk
) -> None:
    # Given a citizen who presents to the hotel once successfully and once badly
    person = IdentityDesk(cloud).register(surname="司马", givenName="光")
    key, jwk = holder_key()
    owner = {"key": key, "credential": Wallet(cloud).issued(person, holderJwk=jwk),
             "citizen": citizen(person, sub="activity-citizen")}  # fmt: skip
    good = _answer(cloud, hotel, owner, _honest(owner))
    bad = _answer(cloud, hotel, owner, lambda r: _for(nonce="stale")(r, owner, cloud))
    assert (good["status"], bad["status"]) == ("verified", "rejected")

    # When they read their activity log
    log = cloud.api("GET", "/credentials/activity", claims=owner["citizen"])

    # Then both presentations are there, newest first, with names and no values
    assert log.status == 200
    assert [(e["party"], e["partyKind"], e["type"], e["claims"], e["result"]) for e in log.json] \
        == [("江北宾馆", "hotel", "resident_id", HOTEL_CLAIMS, "rejected"),
            ("江北宾馆", "hotel", "resident_id", HOTEL_CLAIMS, "verified")]  # fmt: skip
    assert log.json[0]["failedCheck"] == "nonce"
    assert {e["reference"] for e in log.json} == {good["verificationId"], bad["verificationId"]}
    text = log.text
    for value in (person["idNumber"], "司马", "光", person["birthDate"]):
        assert value not in text
    # And nobody else's log shows them
    stranger = IdentityDesk(cloud).register()
    assert cloud.api("GET", "/credentials/activity", claims=citizen(stranger)).json == []


def test_each_presentation_writes_exactly_one_activity_entry_with_its_verdict(
    cloud: Any, hotel: VenueDesk
) -> None:
    person = IdentityDesk(cloud).register()
    key, jwk = holder_key()
    owner = {"key": key, "credential": Wallet(cloud).issued(person, holderJwk=jwk),
             "citizen": citizen(person, sub="replay-citizen")}  # fmt: skip
    request = hotel.asked()
    presentation = _honest(owner)(request)
    assert send(cloud, request["verificationId"], owner["citizen"], presentation).status == 200
    assert send(cloud, request["verificationId"], owner["citizen"], presentation).status == 409
    log = cloud.api("GET", "/credentials/activity", claims=owner["citizen"]).json
    assert [e["reference"] for e in log] == [request["verificationId"]]


# --- e-proof sharing ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def subject(cloud: Any) -> Iterator[dict[str, Any]]:
    yield IdentityDesk(cloud).register(surname="诸葛", givenName="亮")


def test_an_agency_gets_an_audience_bound_short_lived_proof_and_the_person_sees_it(
    cloud: Any, subject: dict[str, Any]
) -> None:
    body = {"type": "household_proof", "idNumber": subject["idNumber"],
            "purpose": "办理社保关系转移", "legalBasis": "社会保险法 第19条"}  # fmt: skip
    shared = cloud.api("POST", "/proof-requests", body=body,
                       claims=claims("agency", agency="social_security"))  # fmt: skip
    assert shared.status == 201, shared.json
    assert shared.json["requestId"].startswith("prq_")
    payload = Wallet(cloud).verified_payload(shared.json["credential"])
    assert payload["aud"] == "urn:onetrip:agency:social_security"
    assert payload["exp"] - payload["iat"] == 86400
    assert payload["vct"] == "urn:onetrip:credential:household_proof:1"
    assert "cnf" not in payload  # issued to the agency, not to a wallet key

    log = cloud.api("GET", "/credentials/activity", claims=citizen(subject)).json
    assert [{k: e[k] for k in ("party", "partyKind", "type", "result", "purpose", "legalBasis",
                               "reference")} for e in log] == [
        {"party": "social_security", "partyKind": "agency", "type": "household_proof",
         "result": "issued", "purpose": "办理社保关系转移", "legalBasis": "社会保险法 第19条",
         "reference": shared.json["requestId"]}
    ]  # fmt: skip
    assert log[0]["claims"] == ["surname", "givenName", "gender", "birthDate", "ethnicity",
                                "idNumber", "district"]  # fmt: skip
    assert subject["idNumber"] not in json.dumps(log, ensure_ascii=False)
    # It is the agency's: not in the citizen's wallet
    assert Wallet(cloud).list(citizen(subject)) == []


@pytest.mark.parametrize(
    ("type_", "status"),
    [("resident_id", 422), ("no_criminal_record", 422), ("passport", 422)],
)
def test_only_issuable_proofs_are_shared(
    cloud: Any, subject: dict[str, Any], type_: str, status: int
) -> None:
    body = {"type": type_, "idNumber": subject["idNumber"], "purpose": "核查",
            "legalBasis": "依法"}  # fmt: skip
    result = cloud.api("POST", "/proof-requests", body=body, claims=claims("clerk"))
    assert result.status == status and result.json["errors"][0]["field"] == "type"


def test_a_proof_about_an_unknown_person_is_a_404(cloud: Any) -> None:
    from tests.builders import id_number

    body = {"type": "household_proof", "idNumber": id_number(), "purpose": "核查",
            "legalBasis": "依法"}  # fmt: skip
    assert cloud.api("POST", "/proof-requests", body=body, claims=claims("clerk")).status == 404
