"""Who may call what: every route x every role, and every kind of bad token.

The expected statuses are written out from API.md ("Roles", each route's role list, "No
token or a bad token: 401. Wrong role: 403. A citizen asking for someone else's record:
404"), not read from the code. A role that is not listed for a route gets 403, and gets
it before its body is looked at: the requests below send bodies that are invalid, so a
route that validated the body first would answer 400/422 instead.

Every request carries a real signed token through the local JWT authorizer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from onetrip_local.tokens import KEY_ID, LOCAL_AUDIENCE, LOCAL_ISSUER, mint, private_key_pem

from tests.builders import claims, person_body

ROLES = (
    "registrar",
    "clerk",
    "approver",
    "agency",
    "citizen",
    "petition_office",
    "leader",
    "handling_unit",
    "leading_group",
    "ops",
    "issuer_admin",
    "venue",
)
UNIT = "江北分局"

# Placeholders filled by the `city` fixture: {other} is someone else's record, for the
# citizen (who is {me}) a 404 by API.md.
Row = tuple[str, str, dict[str, Any] | None, dict[str, int]]


def _each(status: int, *roles: str) -> dict[str, int]:
    return dict.fromkeys(roles, status)


PERSON_READERS = ("registrar", "clerk", "approver")
CHANGE_READERS = ("clerk", "approver", "ops")
PETITION_STAFF = ("petition_office", "leader", "leading_group")
WORKERS = (*PETITION_STAFF, "handling_unit")
# method, path, body, {role: status}: every role not named gets 403.
# fmt: off
MATRIX: list[Row] = [
    ("POST", "/persons", {}, {"registrar": 422}),
    ("POST", "/persons/lookup", {"idNumber": "{other_number}"},
     {**_each(200, *PERSON_READERS), "citizen": 404}),
    ("GET", "/persons/{other_person}", None, {**_each(200, *PERSON_READERS), "citizen": 404}),
    ("POST", "/identity-changes", {}, {"clerk": 422}),
    ("POST", "/identity-changes/{other_application}/decision", {}, {"approver": 422}),
    ("GET", "/identity-changes/{other_application}", None,
     {**_each(200, *CHANGE_READERS), "citizen": 404}),
    ("GET", "/identity-changes?personId={other_person}", None,
     _each(200, *CHANGE_READERS, "citizen")),  # the citizen gets [] (checked below)
    ("POST", "/identity-changes/chg_unknown/linked-updates/gas/retry", None, {"ops": 404}),
    ("PUT", "/agencies/water/records", {}, _each(422, "agency", "registrar")),
    ("POST", "/agencies/water/records/lookup", {"idNumber": "{other_number}"},
     _each(404, "agency", "registrar")),
    # Agencies with their own systems: the agency's own token only (not a registrar).
    ("POST", "/agencies/water/changes/lookup", {}, {"agency": 422}),
    ("POST", "/agencies/water/changes/ntf_unknown/ack", {}, {"agency": 422}),
    ("POST", "/petitions", {}, _each(422, "petition_office", "citizen")),
    ("GET", "/petitions", None, _each(200, *WORKERS, "citizen")),
    ("POST", "/petitions/search", {}, {"petition_office": 422}),
    ("GET", "/petitions/{other_petition}", None,
     {**_each(200, *PETITION_STAFF), "handling_unit": 404, "citizen": 404}),  # not its unit's
    ("POST", "/petitions/{other_petition}/extension", {}, {"leader": 422}),
    ("GET", "/tasks", None, _each(200, *WORKERS)),
    ("POST", "/tasks/tsk_unknown/completion", {}, _each(404, *WORKERS)),
    ("GET", "/stats/petitions?from=2026-01-01&to=2026-01-31", None,
     _each(200, "ops", "petition_office", "leader")),
    ("GET", "/stats/identity-changes?from=2026-01-01&to=2026-01-31", None,
     _each(200, "ops", "petition_office", "leader")),
    ("GET", "/stats/districts?from=2026-01-01&to=2026-01-31", None,
     _each(200, "ops", "petition_office", "leader")),
    ("GET", "/credential-types", None, _each(200, *ROLES)),  # any token
    ("POST", "/credentials", {}, _each(422, "citizen", "clerk")),
    ("GET", "/credentials", None, {"citizen": 200}),
    ("GET", "/credentials/cred_unknown", None, _each(404, "citizen", "registrar")),
    ("POST", "/credentials/cred_unknown/revocation", {},
     _each(422, "citizen", "registrar", "issuer_admin")),
    ("POST", "/issuer-keys/rotation", None, {"issuer_admin": 201}),
    ("POST", "/abolished-proofs", {}, {"issuer_admin": 422}),
    ("PUT", "/abolished-proofs/prf_unknown", {}, {"issuer_admin": 422}),
    ("GET", "/abolished-proofs/prf_unknown/history", None, {"issuer_admin": 404}),
    ("POST", "/abolished-proofs/import", {}, {"issuer_admin": 415}),  # CSV only
]
# fmt: on
PUBLIC = [
    ("GET", "/health"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/.well-known/jwt-vc-issuer"),
    ("GET", "/abolished-proofs"),
    ("GET", "/stats"),
]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def city(cloud: Any) -> Iterator[dict[str, Any]]:
    """Two people with an open application each; a petition by the other one."""
    ids: dict[str, Any] = {}
    for who in ("me", "other"):
        person = cloud.api("POST", "/persons", body=person_body(), claims=claims("registrar"))
        assert person.status == 201, person.json
        ids[who] = person.json
        change = {
            "idNumber": person.json["idNumber"],
            "kind": "change",
            "changes": {"surname": "吴"},
            "reason": "户口登记项目变更",
            "window": {"district": "海曙区"},
        }
        submitted = cloud.api("POST", "/identity-changes", body=change, claims=claims("clerk"))
        assert submitted.status == 201, submitted.json
        ids[f"{who}_application"] = submitted.json["applicationId"]
    filed = cloud.api(
        "POST",
        "/petitions",
        body={
            "petitioner": {
                "name": "王小明",
                "idNumber": ids["other"]["idNumber"],
                "phone": "13900139000",
            },
            "category": "public_order",
            "subject": "噪音扰民",
            "content": "夜间施工噪音扰民，请求处理",
            "channel": "visit",
        },
        claims=claims("petition_office"),
    )
    assert filed.status == 201, filed.json
    yield {
        "me": ids["me"]["personId"],
        "me_number": ids["me"]["idNumber"],
        "other_person": ids["other"]["personId"],
        "other_number": ids["other"]["idNumber"],
        "other_application": ids["other_application"],
        "me_application": ids["me_application"],
        "other_petition": filed.json["petitionId"],
    }


def _token(role: str, city: dict[str, Any]) -> str:
    extra = {
        "agency": {"agency": "water"},
        "handling_unit": {"unit": UNIT},
        "citizen": {"id_number": city["me_number"]},
    }.get(role, {})
    return mint([role], sub=f"matrix-{role}", **extra)


def _fill(value: Any, city: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return value.format(**city)
    if isinstance(value, dict):
        return {k: _fill(v, city) for k, v in value.items()}
    return value


@pytest.mark.parametrize(
    ("method", "path", "body", "allowed"),
    [pytest.param(*row, id=f"{row[0]} {row[1]}") for row in MATRIX],
)
def test_every_role_gets_the_status_api_md_implies(
    cloud: Any,
    city: dict[str, Any],
    method: str,
    path: str,
    body: dict[str, Any] | None,
    allowed: dict[str, int],
) -> None:
    url, payload = _fill(path, city), _fill(body, city)
    got = {
        role: cloud.api(method, url, body=payload, headers=_bearer(_token(role, city))).status
        for role in ROLES
    }
    expected = {role: allowed.get(role, 403) for role in ROLES}
    assert got == expected


def test_the_matrix_covers_every_route_of_the_api(cloud: Any) -> None:
    declared = {route.route_key for route in cloud.topology.routes}
    covered = {f"{m} {p.split('?')[0]}" for m, p, _, _ in MATRIX} | {f"{m} {p}" for m, p in PUBLIC}
    templated = {_as_template(key) for key in covered}
    assert declared == templated


def _as_template(route_key: str) -> str:
    """ "GET /persons/{other_person}" -> "GET /persons/{personId}" (the API's names)."""
    names = {
        "/persons/{other_person}": "/persons/{personId}",
        "/identity-changes/{other_application}": "/identity-changes/{applicationId}",
        "/identity-changes/chg_unknown": "/identity-changes/{applicationId}",
        "/linked-updates/gas": "/linked-updates/{agency}",
        "/agencies/water": "/agencies/{agency}",
        "/changes/ntf_unknown": "/changes/{notificationId}",
        "/petitions/{other_petition}": "/petitions/{petitionId}",
        "/tasks/tsk_unknown": "/tasks/{taskId}",
        "/credentials/cred_unknown": "/credentials/{credentialId}",
        "/abolished-proofs/prf_unknown": "/abolished-proofs/{proofId}",
    }
    for concrete, template in names.items():
        route_key = route_key.replace(concrete, template)
    return route_key


@pytest.mark.parametrize(("method", "path"), PUBLIC)
def test_public_routes_answer_without_a_token(cloud: Any, method: str, path: str) -> None:
    assert cloud.api(method, path).status == 200


# --- the JWT authorizer: what API Gateway's HTTP API JWT authorizer rejects ---------------


def _claims() -> dict[str, Any]:
    """Claims the local authorizer accepts (an ops caller): each bad token spoils one."""
    now = int(time.time())
    return {
        "sub": "mallory",
        "iss": LOCAL_ISSUER,
        "aud": LOCAL_AUDIENCE,
        "iat": now,
        "exp": now + 600,
        "cognito:groups": ["ops"],
    }


def _signed(
    overrides: dict[str, Any] | None = None,
    *,
    key: bytes | None = None,
    algorithm: str = "RS256",
    kid: str | None = KEY_ID,
    drop: tuple[str, ...] = (),
) -> str:
    payload = {**_claims(), **(overrides or {})}
    for name in drop:
        payload.pop(name)
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(payload, key or private_key_pem(), algorithm=algorithm, headers=headers)


def _foreign_key() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(alg: str, secret: bytes = b"") -> str:
    """A token PyJWT would refuse to make: `alg: none`, or HS256 keyed with the public key
    (the algorithm-confusion attack)."""
    header = _b64(json.dumps({"alg": alg, "kid": KEY_ID}).encode())
    body = _b64(json.dumps(_claims()).encode())
    signing_input = f"{header}.{body}".encode()
    signature = hmac.new(secret, signing_input, hashlib.sha256).digest() if secret else b""
    return f"{header}.{body}.{_b64(signature)}"


def _public_pem() -> bytes:
    key = serialization.load_pem_private_key(private_key_pem(), password=None)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _bad_tokens() -> list[Any]:
    hour_ago = int(time.time()) - 3600
    in_an_hour = int(time.time()) + 3600
    return [
        pytest.param({}, id="missing"),
        pytest.param({"Authorization": "Basic b3BzOm9wcw=="}, id="not bearer"),
        pytest.param(_bearer("not.a.jwt"), id="garbage"),
        pytest.param(_bearer(_signed({"iat": hour_ago - 60, "exp": hour_ago})), id="expired"),
        pytest.param(_bearer(_signed({"nbf": in_an_hour})), id="not yet valid (nbf)"),
        pytest.param(_bearer(_signed({"iat": in_an_hour})), id="issued in the future"),
        pytest.param(_bearer(_signed({"iss": "https://evil.example"})), id="wrong issuer"),
        pytest.param(_bearer(_signed({"aud": "someone-else"})), id="wrong audience"),
        pytest.param(
            _bearer(_signed({"client_id": "someone-else"}, drop=("aud",))),
            id="wrong client_id",
        ),
        pytest.param(
            _bearer(_signed({"client_id": LOCAL_AUDIENCE, "aud": "someone-else"})),
            id="aud wins over client_id",
        ),
        pytest.param(_bearer(_signed(drop=("exp",))), id="no expiry"),
        pytest.param(_bearer(_signed(key=_foreign_key())), id="forged signature"),
        pytest.param(_bearer(_signed(kid="another-key")), id="unknown kid"),
        pytest.param(_bearer(_signed(kid=None)), id="no kid"),
        pytest.param(_bearer(_unsigned("none")), id="alg none"),
        pytest.param(_bearer(_unsigned("HS256", _public_pem())), id="HS256 with the public key"),
    ]


@pytest.mark.parametrize("headers", _bad_tokens())
def test_every_protected_route_refuses_a_missing_or_bad_token(
    cloud: Any, headers: dict[str, str]
) -> None:
    got = {
        f"{method} {path}": cloud.api(method, path, body=body, headers=headers).status
        for method, path, body, _ in MATRIX
    }
    assert set(got.values()) == {401}, got


def test_a_token_naming_its_audience_in_client_id_is_accepted(cloud: Any) -> None:
    # Cognito access tokens carry client_id and no aud; API Gateway accepts those.
    token = _signed({"client_id": LOCAL_AUDIENCE}, drop=("aud",))
    assert cloud.api("GET", "/tasks", headers=_bearer(_signed())).status == 403  # ops
    ok = _signed({"client_id": LOCAL_AUDIENCE, "cognito:groups": ["leader"]}, drop=("aud",))
    assert cloud.api("GET", "/tasks", headers=_bearer(ok)).status == 200
    assert cloud.api("GET", "/stats/petitions?from=2026-01-01&to=2026-01-02",
                     headers=_bearer(token)).status == 200  # fmt: skip


# --- citizen isolation and masking (API.md: someone else's record is a 404) -------------


def test_a_citizen_reads_their_own_records_and_nothing_of_anyone_else(
    cloud: Any, city: dict[str, Any]
) -> None:
    me = _bearer(_token("citizen", city))

    def get(path: str, body: dict[str, Any] | None = None) -> Any:
        return cloud.api("POST" if body else "GET", path, body=body, headers=me)

    assert get(f"/persons/{city['me']}").json["personId"] == city["me"]
    assert get("/persons/lookup", {"idNumber": city["me_number"]}).status == 200
    assert get(f"/identity-changes/{city['me_application']}").status == 200
    own = get(f"/identity-changes?personId={city['me']}").json
    assert [a["applicationId"] for a in own] == [city["me_application"]]

    assert get(f"/persons/{city['other_person']}").status == 404
    assert get("/persons/lookup", {"idNumber": city["other_number"]}).status == 404
    assert get(f"/identity-changes/{city['other_application']}").status == 404
    assert get(f"/identity-changes?personId={city['other_person']}").json == []
    assert get(f"/petitions/{city['other_petition']}").status == 404
    assert city["other_petition"] not in {p["petitionId"] for p in get("/petitions").json}


def test_the_phone_is_shown_only_to_the_roles_that_call_the_petitioner(
    cloud: Any, city: dict[str, Any]
) -> None:
    path = f"/petitions/{city['other_petition']}"
    petitioner = mint(["citizen"], sub="matrix-petitioner", id_number=city["other_number"])
    seen = {
        who: cloud.api("GET", path, headers=_bearer(token)).json["petitioner"]["phone"]
        for who, token in [
            ("petition_office", _token("petition_office", city)),
            ("the petitioner", petitioner),
            ("leader", _token("leader", city)),
            ("leading_group", _token("leading_group", city)),
        ]
    }
    assert seen == {
        "petition_office": "13900139000",
        "the petitioner": "13900139000",
        "leader": "139****9000",
        "leading_group": "139****9000",
    }
