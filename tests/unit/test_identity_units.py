"""Pure pieces of the identity chain change: routing, outcome, callers, problems, events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from onetrip import events
from onetrip.api.problems import from_validation_errors
from onetrip.domain.access import Role, caller_from_claims, parse_groups
from onetrip.domain.application import LinkedUpdate, Status, outcome
from onetrip.domain.person import Person, with_changes
from onetrip.errors import Forbidden, Unauthorized
from onetrip.routing import Agency, agencies_for

EVENTS = Path(__file__).parent.parent / "events"


def test_routing_sends_a_change_only_to_the_agencies_that_hold_the_field() -> None:
    assert agencies_for(["ethnicity"]) == [Agency.SOCIAL_SECURITY, Agency.STUDENT_ROLL]
    assert agencies_for(["gender"]) == [
        Agency.SOCIAL_SECURITY,
        Agency.STUDENT_ROLL,
        Agency.EXIT_ENTRY,
        Agency.DRIVING_LICENCE,
    ]
    assert agencies_for(["surname"]) == list(Agency)
    assert agencies_for([]) == []


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["applied", "not_applicable"], Status.COMPLETED),
        (["applied", "failed"], Status.COMPLETED_WITH_FAILURES),
        (["applied", "pending"], None),
        (["failed", "pending"], None),
    ],
)
def test_the_application_outcome_follows_its_linked_updates(
    statuses: list[str], expected: Status | None
) -> None:
    links = [LinkedUpdate(agency=f"a{i}", status=s) for i, s in enumerate(statuses)]
    assert outcome(links) == expected


@pytest.mark.parametrize("raw", [["clerk", "ops"], "[clerk ops]", "clerk,ops", '["clerk","ops"]'])
def test_groups_are_read_in_every_shape_api_gateway_passes_them(raw: object) -> None:
    assert parse_groups(raw) == frozenset({"clerk", "ops"})


def test_a_caller_without_a_subject_is_unauthorized_and_roles_are_enforced() -> None:
    with pytest.raises(Unauthorized):
        caller_from_claims({"cognito:groups": "[clerk]"})
    caller = caller_from_claims({"sub": "u1", "cognito:groups": "[clerk]"})
    caller.require(Role.CLERK)
    with pytest.raises(Forbidden):
        caller.require(Role.APPROVER)


def test_validation_errors_name_the_field_in_dotted_form() -> None:
    response = from_validation_errors(
        [{"loc": ("body", "changes", "idNumber"), "msg": "Value error, bad", "type": "value_error"}]
    )
    body = json.loads(str(response.body))
    assert response.status_code == 422
    assert body["errors"] == [{"field": "changes.idNumber", "message": "bad"}]


def test_malformed_json_is_a_400() -> None:
    response = from_validation_errors(
        [{"loc": ("body", 1), "msg": "JSON decode error", "type": "json_invalid"}]
    )
    assert response.status_code == 400


def test_a_changed_number_moves_the_old_one_to_former_numbers() -> None:
    person = Person(
        person_id="per_1",
        id_number="OLD",
        surname="王",
        given_name="明",
        gender="male",
        birth_date="1990-01-01",
        ethnicity="汉族",
        version=4,
        updated_at="t",
        created_at="t",
    )
    changed = with_changes(person, {"idNumber": "NEW", "surname": "李"}, at="t2")
    assert (changed.id_number, changed.former_id_numbers) == ("NEW", ["OLD"])
    assert (changed.surname, changed.version, changed.updated_at) == ("李", 5, "t2")
    assert changed.all_id_numbers() == ["NEW", "OLD"]


def _all_event_models() -> list[type[events.EventDetail]]:
    found, pending = [], list(events.EventDetail.__subclasses__())
    while pending:
        model = pending.pop()
        found.append(model)
        pending += model.__subclasses__()
    return sorted(found, key=lambda m: m.detail_type)


@pytest.mark.parametrize("model", _all_event_models(), ids=lambda m: m.detail_type)
def test_every_event_has_a_sample_that_matches_its_contract(
    model: type[events.EventDetail],
) -> None:
    sample = json.loads((EVENTS / f"{model.detail_type}.json").read_text())
    assert (sample["source"], sample["detail-type"]) == (model.source, model.detail_type)
    detail = model.model_validate(sample["detail"])
    assert json.loads(detail.to_json()) == sample["detail"]
    # Least data: ids only — no names, ID numbers or phone numbers in any event
    assert not {"idNumber", "surname", "givenName", "name", "phone", "petitioner"} & set(
        sample["detail"]
    )
