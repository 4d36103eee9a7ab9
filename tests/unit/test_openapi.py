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


def test_the_published_id_number_pattern_is_exactly_what_the_code_reads_as_18_characters() -> None:
    # Given the pattern every ID-number field publishes, and strings around its edges
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st
    from onetrip.domain import id_number

    pattern = re.compile(id_number.PATTERN)
    characters = st.sampled_from("0123456789Xx \u3000\t-A")

    @settings(max_examples=300, derandomize=True, database=None)
    @given(st.text(characters, min_size=15, max_size=24))
    def agree(text: str) -> None:
        # Then the pattern accepts a string exactly when the code makes 18 digits (or X) of it
        normalized = id_number.normalize(text)
        shaped = re.fullmatch(r"[0-9]{17}[0-9X]", normalized) is not None
        assert (pattern.fullmatch(text) is not None) == shaped, text

    agree()


def test_every_id_number_field_publishes_its_pattern_and_format_and_lists_have_array_bodies() -> (
    None
):
    document = json.loads(openapi_json())
    text = json.dumps(document)
    from onetrip.domain import id_number

    # Every body property named like an ID number carries the pattern and the format
    def walk(node: object, name: str = "") -> None:
        if isinstance(node, dict):
            if name.lower().endswith("idnumber") and node.get("type") == "string":
                assert node.get("pattern") == id_number.PATTERN, (name, node)
                assert node.get("format") == "gb11643", (name, node)
            for key, value in node.items():
                walk(value, key if isinstance(value, dict) and key != "properties" else name)
        elif isinstance(node, list):
            for item in node:
                walk(item, name)

    walk(document["components"])
    assert text.count('"format": "gb11643"') >= 8
    # The list routes answer arrays (API.md), and /docs is a page
    for path in ("/petitions", "/tasks", "/identity-changes", "/credentials"):
        ok = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert ok["schema"]["type"] == "array", path
    search = document["paths"]["/petitions/search"]["post"]["responses"]["200"]
    assert search["content"]["application/json"]["schema"]["type"] == "array"
    assert list(document["paths"]["/docs"]["get"]["responses"]["200"]["content"]) == ["text/html"]
