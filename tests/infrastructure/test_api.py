"""HTTP API: routes per function, JWT by default, public docs, access logs."""

from __future__ import annotations

import pytest

ROUTES = {
    "POST /persons": "PersonsApi",
    "POST /persons/lookup": "PersonsApi",
    "GET /persons/{personId}": "PersonsApi",
    "POST /identity-changes": "IdentityChangesApi",
    "GET /identity-changes": "IdentityChangesApi",
    "GET /identity-changes/{applicationId}": "IdentityChangesApi",
    "POST /identity-changes/{applicationId}/decision": "IdentityChangesApi",
    "POST /identity-changes/{applicationId}/linked-updates/{agency}/retry": "IdentityChangesApi",
    "PUT /agencies/{agency}/records": "AgenciesApi",
    "POST /agencies/{agency}/records/lookup": "AgenciesApi",
    "GET /health": "DocsApi",
    "GET /openapi.json": "DocsApi",
    "GET /docs": "DocsApi",
    "GET /stats": "StatsApi",
}
# Issuer metadata: verifiers fetch the issuer's public keys without a token (VCR_16).
PUBLIC = {
    "GET /health",
    "GET /openapi.json",
    "GET /docs",
    "GET /.well-known/jwt-vc-issuer",
    "GET /abolished-proofs",
    "GET /venue",  # the venue desk page: static, it asks for the token itself
    "GET /stats",  # the leaders' chart page; its figures need a token
}


def _routes(synth) -> dict[str, dict]:
    return {r["Properties"]["RouteKey"]: r["Properties"] for r in synth.of_type(
        "AWS::ApiGatewayV2::Route").values()}  # fmt: skip


def _integration_function(synth, route: dict) -> str:
    integration_id = route["Target"]["Fn::Join"][1][1]["Ref"]
    uri = synth.props(integration_id)["IntegrationUri"]
    function: str = uri["Fn::GetAtt"][0]
    return function


def test_identity_change_routes_are_all_there(synth) -> None:
    # Other capabilities (petitions) add their own routes; these must all exist.
    assert set(ROUTES) <= set(_routes(synth))


def test_only_health_docs_issuer_metadata_and_public_notices_are_public(synth) -> None:
    public = {key for key, route in _routes(synth).items() if route["AuthorizationType"] == "NONE"}

    assert public == PUBLIC


@pytest.mark.parametrize(("route_key", "function"), ROUTES.items())
def test_route_reaches_its_function_with_the_right_auth(
    synth, route_key: str, function: str
) -> None:
    route = _routes(synth)[route_key]

    assert _integration_function(synth, route) == function
    if route_key in PUBLIC:
        assert route["AuthorizationType"] == "NONE"
    else:
        assert route["AuthorizationType"] == "JWT"
        assert "AuthorizerId" in route


def test_default_authorizer_trusts_the_cognito_pool(synth) -> None:
    (authorizer,) = synth.of_type("AWS::ApiGatewayV2::Authorizer").values()
    jwt = authorizer["Properties"]["JwtConfiguration"]

    assert jwt["Audience"] == [{"Ref": "UserPoolClient"}]
    assert "UserPool" in str(jwt["Issuer"]) and "cognito-idp." in str(jwt["Issuer"])
    groups = {g["Properties"]["GroupName"] for g in synth.of_type(
        "AWS::Cognito::UserPoolGroup").values()}  # fmt: skip
    assert {"registrar", "clerk", "approver", "agency", "ops"} <= groups


def test_access_logs_go_to_a_six_month_log_group(synth) -> None:
    (stage,) = synth.of_type("AWS::ApiGatewayV2::Stage").values()
    settings = stage["Properties"]["AccessLogSettings"]

    assert settings["DestinationArn"] == {"Fn::GetAtt": ["HttpApiAccessLogs", "Arn"]}
    assert "$context.requestId" in settings["Format"]
    assert synth.props("HttpApiAccessLogs")["RetentionInDays"] == 180


def test_the_api_url_is_an_output(synth) -> None:
    assert "ApiUrl" in synth.template["Outputs"]


def test_each_api_function_has_one_invoke_permission_for_this_api_only(synth) -> None:
    # One permission per function (not per route: 48 routes, near CloudFormation's 500
    # resources), limited to API Gateway calling from this HTTP API, any stage/route.
    functions = {_integration_function(synth, route) for route in _routes(synth).values()}
    found = synth.of_type("AWS::Lambda::Permission")
    permissions = [p["Properties"] for p in found.values()]
    invoked = sorted(p["FunctionName"]["Fn::GetAtt"][0] for p in permissions)
    assert invoked == sorted(functions)  # each once, and only the API's functions
    # pinned: the same logical id in every stage (CDK's embeds the stack's name)
    assert sorted(found) == sorted(f"{function}ApiPermission" for function in functions)
    for permission in permissions:
        assert permission["Action"] == "lambda:InvokeFunction"
        assert permission["Principal"] == "apigateway.amazonaws.com"
        parts = permission["SourceArn"]["Fn::Join"][1]
        assert parts[-2:] == [{"Ref": "HttpApi"}, "/*/*/*"]
        assert parts[2] == ":execute-api:us-east-1:"
