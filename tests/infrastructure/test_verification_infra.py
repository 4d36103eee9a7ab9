"""Verification at venues in the template: the Verifications table (TTL), the function's
routes and its least-privilege grants (reads status lists, never signs, never publishes)."""

from __future__ import annotations

from typing import Any

ROUTES = {
    "POST /venues", "GET /venues/{venueId}", "POST /verifications",
    "GET /verifications/{verificationId}", "GET /verifications/{verificationId}/qr.svg",
    "GET /verifications/{verificationId}/request",
    "POST /verifications/{verificationId}/presentation", "GET /venue",
}  # fmt: skip


def _actions(statement: dict[str, Any]) -> set[str]:
    action = statement["Action"]
    return {action} if isinstance(action, str) else set(action)


def _resources(statement: dict[str, Any]) -> list[Any]:
    resource = statement["Resource"]
    return resource if isinstance(resource, list) else [resource]


def test_the_verifications_table_follows_the_house_rules_and_expires_requests(synth) -> None:
    table = synth.props("Verifications")
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expireAt", "Enabled": True}
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["SSESpecification"]["SSEEnabled"] is True


def test_every_verification_route_reaches_the_function_and_only_the_page_is_public(
    synth,
) -> None:
    routes = {
        r["Properties"]["RouteKey"]: r["Properties"]
        for r in synth.of_type("AWS::ApiGatewayV2::Route").values()
    }
    assert set(routes) >= ROUTES
    for key in ROUTES:
        integration = routes[key]["Target"]["Fn::Join"][1][1]["Ref"]
        uri = synth.props(integration)["IntegrationUri"]
        assert uri["Fn::GetAtt"][0] == "VerificationsApi", key
        assert routes[key].get("AuthorizationType") == ("NONE" if key == "GET /venue" else "JWT")
    assert routes["GET /credentials/activity"]["AuthorizationType"] == "JWT"
    assert routes["POST /proof-requests"]["AuthorizationType"] == "JWT"


def test_the_verifier_reads_status_lists_and_keys_but_never_signs_or_publishes(synth) -> None:
    statements = synth.statements_of("VerificationsApi")
    actions = set().union(*(_actions(s) for s in statements))
    assert not {"kms:Sign", "kms:CreateKey", "s3:PutObject"} & actions
    (get,) = [s for s in statements if "s3:GetObject" in _actions(s)]
    assert _actions(get) == {"s3:GetObject"}
    assert get["Resource"] == {
        "Fn::Join": ["", [{"Fn::GetAtt": ["StatusListBucket", "Arn"]}, "/status-lists/*"]]
    }
    keys = [s for s in statements if {"Fn::GetAtt": ["IssuerKeys", "Arn"]} in _resources(s)]
    assert keys and all(not _actions(s) & {"dynamodb:PutItem", "dynamodb:UpdateItem"}
                        for s in keys)  # fmt: skip


def test_the_verifier_learns_where_everything_is_from_its_environment(synth) -> None:
    variables = synth.props("VerificationsApi")["Environment"]["Variables"]
    assert variables["VERIFICATIONS_TABLE"] == {"Ref": "Verifications"}
    assert variables["CREDENTIALS_TABLE"] == {"Ref": "Credentials"}
    assert variables["STATUS_LIST_BUCKET"] == {"Ref": "StatusListBucket"}
    assert (
        variables["ISSUER_URL"]
        == synth.props("CredentialsApi")["Environment"]["Variables"]["ISSUER_URL"]
    )
