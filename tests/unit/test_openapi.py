"""The committed OpenAPI document is the one the routes generate."""

from __future__ import annotations

import json
from pathlib import Path

from onetrip.api.openapi import openapi_json

COMMITTED = Path(__file__).parents[2] / "docs" / "openapi.json"


def test_committed_openapi_matches_the_routes() -> None:
    generated = json.loads(openapi_json())
    committed = json.loads(COMMITTED.read_text())
    assert generated == committed, "docs/openapi.json is stale: run `make openapi`"


def test_openapi_documents_every_public_route_and_keeps_id_numbers_out_of_urls() -> None:
    paths = json.loads(openapi_json())["paths"]
    assert "/identity-changes/{applicationId}/linked-updates/{agency}/retry" in paths
    assert "/tasks/{taskId}/completion" in paths
    for path, operations in paths.items():
        assert "idNumber" not in path
        for operation in operations.values():
            names = [p["name"] for p in operation.get("parameters", [])]
            assert not [n for n in names if "idnumber" in n.lower()], (path, names)


def test_every_protected_operation_documents_its_problems() -> None:
    paths = json.loads(openapi_json())["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            if operation.get("security") == [{}]:
                continue  # /health, /openapi.json, /docs
            responses = operation["responses"]
            assert "401" in responses, (method, path)
            for code, response in responses.items():
                content = response.get("content", {})
                if code.startswith(("4", "5")):
                    assert list(content) == ["application/problem+json"], (method, path, code)
            if "requestBody" in operation:
                assert {"400", "415", "422"} <= set(responses), (method, path)
