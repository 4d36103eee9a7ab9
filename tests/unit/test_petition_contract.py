"""Contract details of the petition routes that need no cloud: the generated OpenAPI and
the registration body's instants."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from onetrip.api.openapi import openapi_json
from onetrip.domain.petition import NewPetition
from pydantic import ValidationError

BODY: dict[str, Any] = {
    "petitioner": {"name": "张三", "idNumber": "330203199003077019", "phone": "13800138000"},
    "category": "traffic",
    "subject": "对处罚有异议",
    "content": "……",
    "channel": "visit",
}


def test_registering_a_petition_is_documented_as_201() -> None:
    responses = json.loads(openapi_json())["paths"]["/petitions"]["post"]["responses"]
    assert "201" in responses and "200" not in responses


@pytest.mark.parametrize(
    "text",
    ["2026-03-01T09:00:00Z", "2026-03-01T17:00:00+08:00", "2026-03-01T09:00:00.123Z"],
)
def test_received_at_takes_iso_instants_with_a_zone(text: str) -> None:
    parsed = NewPetition.model_validate({**BODY, "receivedAt": text}).received_at
    assert parsed == datetime(2026, 3, 1, 9, 0, 0, parsed.microsecond if parsed else 0, UTC)


@pytest.mark.parametrize("value", [12345, 1.5e9, "1700000000", "2026-03-01", True, "yesterday"])
def test_received_at_refuses_what_is_not_an_iso_instant(value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        NewPetition.model_validate({**BODY, "receivedAt": value})
    assert [e["loc"] for e in caught.value.errors()] == [("receivedAt",)]


@pytest.mark.parametrize("value", [None, "张三", 1, ["张三"]])
def test_a_petitioner_that_is_not_an_object_names_the_field(value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        NewPetition.model_validate({**BODY, "petitioner": value})
    errors = caught.value.errors()
    assert [e["loc"] for e in errors] == [("petitioner",)] and errors[0]["type"] == "value_error"


def test_an_integer_is_what_json_schema_calls_one() -> None:
    # Given the extension body, whose `days` the contract publishes as an integer
    from onetrip.domain.petition import ExtensionRequest
    from pydantic import ValidationError

    # Then 9.0 is 9 days (JSON Schema: an integer is a number without a fraction)
    assert ExtensionRequest.model_validate({"days": 9.0, "reason": "复杂"}).days == 9
    # And a fraction, a string, a boolean or more than 30 days are refused
    for bad in (9.5, "9", True, 31.0):
        try:
            ExtensionRequest.model_validate({"days": bad, "reason": "复杂"})
        except ValidationError:
            continue
        raise AssertionError(f"days={bad!r} was accepted")
