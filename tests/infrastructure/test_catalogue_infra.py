"""The Catalogue construct: its table, function, routes and least-privilege grants."""

from __future__ import annotations

import json
from typing import Any

from tests.infrastructure.test_api import _integration_function, _routes

CATALOGUE_ROUTES = {
    "GET /abolished-proofs": "NONE",
    "POST /abolished-proofs": "JWT",
    "POST /abolished-proofs/import": "JWT",
    "PUT /abolished-proofs/{proofId}": "JWT",
    "GET /abolished-proofs/{proofId}/history": "JWT",
}


def _resources(statement: dict[str, Any]) -> str:
    return json.dumps(statement["Resource"])


def test_the_catalogue_table_has_the_house_rules(synth: Any) -> None:
    props = synth.props("Catalogue")
    assert props["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"]["SSEType"] == "KMS"
    assert "GlobalSecondaryIndexes" not in props  # search reads posting partitions


def test_every_catalogue_route_reaches_catalogue_api_with_its_auth(synth: Any) -> None:
    routes = _routes(synth)
    for key, auth in CATALOGUE_ROUTES.items():
        assert _integration_function(synth, routes[key]) == "CatalogueApi"
        assert routes[key]["AuthorizationType"] == auth


def test_catalogue_api_has_its_handler_and_only_its_environment(synth: Any) -> None:
    props = synth.props("CatalogueApi")
    assert props["Handler"] == "onetrip.handlers.catalogue.handler"
    env = set(props["Environment"]["Variables"])
    assert {k for k in env if not k.startswith("POWERTOOLS_")} == {
        "CATALOGUE_TABLE",
        "CATALOGUE_CURSOR_SECRET_ARN",
    }


def test_catalogue_api_touches_only_the_catalogue_and_its_cursor_key(synth: Any) -> None:
    statements = synth.statements_of("CatalogueApi")
    tables = {lid for lid in synth.of_type("AWS::DynamoDB::Table")}
    dynamo = [s for s in statements if any(str(a).startswith("dynamodb:") for a in _list(s))]
    touched = {t for t in tables for s in dynamo if f'"{t}"' in _resources(s)}
    assert touched == {"Catalogue"}
    secrets = [s for s in statements if "secretsmanager:GetSecretValue" in _list(s)]
    assert [_resources(s) for s in secrets] == ['{"Ref": "CatalogueCursorKey"}']
    assert not any("events:PutEvents" in _list(s) for s in statements)


def test_no_other_function_reads_the_catalogue(synth: Any) -> None:
    readers = {
        lid
        for lid, function in synth.of_type("AWS::Lambda::Function").items()
        if "Fn::GetAtt" in function["Properties"]["Role"]
        and any('"Catalogue"' in _resources(s) for s in synth.statements_of(lid))
    }
    assert readers == {"CatalogueApi"}


def _list(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return action if isinstance(action, list) else [action]
