"""The emulated HTTP API: routes, the JWT authorizer, and payload-2.0 events."""

from __future__ import annotations

import http.client
import json
import threading
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from onetrip_local.apigw import ApiResult, HttpRequest, match_route, render_claims, serve_request
from onetrip_local.harness import LocalCloud
from onetrip_local.provision import Route
from onetrip_local.server import LocalHttpServer
from onetrip_local.tokens import KEY_ID, LOCAL_AUDIENCE, LOCAL_ISSUER, mint, private_key_pem


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _foreign_token(*, local_key: bool = False, **overrides: Any) -> str:
    """A token signed by a key of its own, or by the local key with other claims."""
    if local_key:
        pem = private_key_pem()
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )  # fmt: skip
    now = int(time.time())
    claims = {"sub": "mallory", "iss": LOCAL_ISSUER, "aud": LOCAL_AUDIENCE,
              "iat": now, "exp": now + 60, "cognito:groups": ["ops"], **overrides}  # fmt: skip
    return jwt.encode(claims, pem, algorithm="RS256", headers={"kid": KEY_ID})


def test_a_valid_token_reaches_the_function_with_claims_as_api_gateway_renders_them(
    probe: LocalCloud,
) -> None:
    token = mint(["registrar", "clerk"], sub="u1", district="江北区")
    result = probe.api("GET", "/things/t-42?x=1&x=2", headers=_bearer(token))
    assert result.status == 200
    event = result.json["event"]
    claims = event["requestContext"]["authorizer"]["jwt"]["claims"]
    assert claims["cognito:groups"] == "[registrar clerk]"
    assert claims["custom:district"] == "江北区"
    assert claims["sub"] == "u1"
    assert event["pathParameters"] == {"thingId": "t-42"}
    assert event["queryStringParameters"] == {"x": "1,2"}
    assert event["routeKey"] == "GET /things/{thingId}"
    assert result.json["env"]["TABLE_NAME"] == probe.table("Things")


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no token"),
        pytest.param({"Authorization": "Basic abc"}, id="not bearer"),
        pytest.param(_bearer(_foreign_token()), id="bad signature"),
        pytest.param(
            _bearer(mint(["ops"], issued_at=int(time.time()) - 7200, lifetime=60)), id="expired"
        ),  # fmt: skip
        pytest.param(_bearer("not.a.jwt"), id="garbage"),
        pytest.param(_bearer(_foreign_token(local_key=True, iss="https://evil")), id="issuer"),
        pytest.param(_bearer(_foreign_token(local_key=True, aud="other")), id="audience"),
    ],
)
def test_a_missing_or_bad_token_is_401_problem_json(
    probe: LocalCloud, headers: dict[str, str]
) -> None:
    result = probe.api("GET", "/things/t-1", headers=headers)
    assert result.status == 401
    assert result.headers["content-type"] == "application/problem+json"
    assert result.json["status"] == 401


def test_the_bad_token_cases_differ_from_an_accepted_one_only_in_what_they_name(
    probe: LocalCloud,
) -> None:
    assert (
        probe.api("GET", "/things/t-1", headers=_bearer(_foreign_token(local_key=True))).status
        == 200
    )


def test_public_routes_need_no_token_and_get_no_authorizer(probe: LocalCloud) -> None:
    result = probe.api("GET", "/public")
    assert result.status == 200
    assert "authorizer" not in result.json["event"]["requestContext"]


def test_claims_given_directly_skip_the_token(probe: LocalCloud) -> None:
    result = probe.api("GET", "/things/x", claims={"sub": "s", "cognito:groups": ["ops"]})
    assert result.status == 200


def test_unknown_routes_are_404(probe: LocalCloud) -> None:
    assert probe.api("DELETE", "/things/x").status == 404


def test_the_most_specific_route_wins() -> None:
    def route(key: str) -> Route:
        method, _, path = key.partition(" ")
        return Route(key, method, path, key, "F", None)

    routes = [route("GET /a/{id}"), route("GET /a/special"), route("ANY /{proxy+}"),
              route("POST /a/{id}")]  # fmt: skip
    assert match_route(routes, "GET", "/a/special").route.route_key == "GET /a/special"  # type: ignore[union-attr]
    assert match_route(routes, "GET", "/a/7").path_parameters == {"id": "7"}  # type: ignore[union-attr]
    fallback = match_route(routes, "GET", "/b/c/d")
    assert fallback is not None and fallback.path_parameters == {"proxy": "b/c/d"}


def test_array_and_number_claims_are_rendered_as_strings() -> None:
    assert render_claims({"g": ["a", "b"], "exp": 5, "ok": True}) == {
        "g": "[a b]", "exp": "5", "ok": "true"
    }  # fmt: skip


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "PROPFIND"])
def test_methods_no_route_has_get_api_gateways_404_not_a_501_page(
    probe: LocalCloud, method: str
) -> None:
    def api(request: HttpRequest) -> ApiResult:
        return serve_request(
            request, probe.topology.routes, verifier=probe.verifier, invoke=probe.invoke,
            account=probe.topology.account,
        )  # fmt: skip

    server = LocalHttpServer(0, api, api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
        connection.request(method, "/things")
        response = connection.getresponse()
        # API Gateway's answer for a route it does not have (as for an unknown path)
        unknown = probe.api("GET", "/no-such-route")
        assert response.status == unknown.status == 404
        assert response.getheader("content-type") == unknown.headers["content-type"]
        assert json.loads(response.read()) == unknown.json
    finally:
        server.shutdown()
        server.server_close()
