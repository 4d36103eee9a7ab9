"""Every invalid input gets a 422 (400 for malformed JSON) naming the field, and changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.builders import CLERK, REGISTRAR, check_character, id_number, person_body, unique_birth
from tests.support.identity_flow import IdentityDesk


@pytest.fixture
def desk(cloud: Any) -> IdentityDesk:
    return IdentityDesk(cloud)


def _fields(result: Any) -> list[str]:
    assert result.headers["content-type"].startswith("application/problem+json"), result.headers
    return [error["field"] for error in result.json.get("errors", [])]


def _with_bad_check_character(number: str) -> str:
    wrong = "0" if number[-1] != "0" else "1"
    return number[:-1] + wrong


FUTURE = date.today() + timedelta(days=400)
_future_body = f"330203{FUTURE:%Y%m%d}123"


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"idNumber": "33020319900307123"}, "idNumber", "18"),
        ({"idNumber": "3302031990030712AX"}, "idNumber", "digit"),
        ({"idNumber": "CHECK"}, "idNumber", "check character"),
        ({"idNumber": _future_body + check_character(_future_body)}, "idNumber", "future"),
        (
            {"idNumber": "990000199003071231"[:17] + check_character("99000019900307123")},
            "idNumber",
            "region",
        ),
        (
            {"idNumber": "330203199002301231"[:17] + check_character("33020319900230123")},
            "idNumber",
            "date",
        ),
        ({"birthDate": "BIRTH+1"}, "idNumber", "birth date"),
        ({"gender": "female"}, "idNumber", "position 17"),
        ({"ethnicity": "火星族"}, "ethnicity", "GB/T 3304"),
        ({"gender": "unknown"}, "gender", ""),
        ({"birthDate": "1990-02-30"}, "birthDate", ""),
        ({"surname": ""}, "surname", "empty"),
        ({"nickname": "阿明"}, "nickname", ""),
    ],
)
def test_registration_refuses_each_invalid_field(
    cloud: Any, overrides: dict[str, Any], field: str, words: str
) -> None:
    # Given an otherwise valid registration with one defect
    body = person_body()
    if overrides.get("idNumber") == "CHECK":
        overrides = {"idNumber": _with_bad_check_character(body["idNumber"])}
    if overrides.get("birthDate") == "BIRTH+1":
        birth = date.fromisoformat(body["birthDate"]) + timedelta(days=1)
        overrides = {"birthDate": birth.isoformat()}
    body.update(overrides)

    # When the registrar submits it
    result = cloud.api("POST", "/persons", body=body, claims=REGISTRAR)

    # Then a 422 names the field and says why; nobody was registered
    assert result.status == 422, result.json
    assert field in _fields(result)
    assert words.lower() in str(result.json).lower()
    if "idNumber" in body and len(str(body["idNumber"])) == 18:
        lookup = cloud.api(
            "POST", "/persons/lookup", body={"idNumber": body["idNumber"]}, claims=CLERK
        )
        assert lookup.status == 404


def test_malformed_json_is_a_400_and_a_taken_number_a_409(cloud: Any) -> None:
    bad = cloud.api(
        "POST",
        "/persons",
        raw_body="{not json",
        claims=REGISTRAR,
        headers={"content-type": "application/json"},
    )
    assert bad.status == 400 and bad.json["status"] == 400

    body = person_body()
    assert cloud.api("POST", "/persons", body=body, claims=REGISTRAR).status == 201
    again = cloud.api(
        "POST",
        "/persons",
        body=person_body(idNumber=body["idNumber"], birthDate=body["birthDate"]),
        claims=REGISTRAR,
    )
    assert again.status == 409


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({}, "changes"),
        ({"nickname": "阿明"}, "changes.nickname"),
        ({"surname": "王"}, "changes.surname"),  # same as now
        ({"ethnicity": "火星族"}, "changes.ethnicity"),
        ({"birthDate": (date.today() + timedelta(days=3)).isoformat()}, "changes.birthDate"),
        ({"gender": "female", "idNumber": "MALE_NUMBER"}, "changes.idNumber"),
        ({"idNumber": "TAKEN"}, "changes.idNumber"),
        ({"idNumber": "123"}, "changes.idNumber"),
        ({"surname": "12"}, "changes.surname"),
    ],
)
def test_an_invalid_change_is_refused_and_nothing_is_written(
    desk: IdentityDesk, cloud: Any, changes: dict[str, Any], field: str
) -> None:
    # Given a registered person (and, for "TAKEN", someone else holding a number)
    person = desk.register()
    if changes.get("idNumber") == "TAKEN":
        changes = {
            "idNumber": desk.register(
                birthDate=person["birthDate"],
                idNumber=id_number(date.fromisoformat(person["birthDate"])),
            )["idNumber"]
        }
    if changes.get("idNumber") == "MALE_NUMBER":
        changes = {
            "gender": "female",
            "idNumber": id_number(date.fromisoformat(person["birthDate"]), "male"),
        }

    # When the clerk submits the change
    result = desk.submit(person, changes)

    # Then 422 names the field, and the person has no application
    assert result.status == 422, result.json
    assert field in _fields(result)
    listed = cloud.api("GET", f"/identity-changes?personId={person['personId']}", claims=CLERK)
    assert listed.status == 200 and listed.json == []


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"kind": "rename"}, "kind"),
        ({"reason": ""}, "reason"),
        ({"reason": "理" * 501}, "reason"),
        ({"window": {"counter": "A3"}}, "window.district"),
    ],
)
def test_the_form_itself_is_checked(desk: IdentityDesk, form: dict[str, Any], field: str) -> None:
    person = desk.register()
    result = desk.submit(person, {"surname": "李"}, **form)
    assert result.status == 422, result.json
    assert field in _fields(result)


def test_one_open_application_per_person_and_one_decision_each(desk: IdentityDesk) -> None:
    # Given a submitted application
    person = desk.register()
    first = desk.submit(person, {"surname": "李"})
    assert first.status == 201

    # Then a second one for the same person is a conflict
    assert desk.submit(person, {"givenName": "二明"}).status == 409

    # And once rejected, it cannot be decided again, and a new one may be submitted
    rejected = desk.decide(first.json["applicationId"], "reject")
    assert rejected.status == 200 and rejected.json["status"] == "rejected"
    assert desk.decide(first.json["applicationId"], "approve").status == 409
    assert desk.person(person["personId"])["surname"] == "王"
    assert desk.submit(person, {"givenName": "二明"}).status == 201


def test_a_former_number_cannot_open_an_application(desk: IdentityDesk, cloud: Any) -> None:
    person = desk.register()
    new_number = id_number(date.fromisoformat(person["birthDate"]))
    desk.change(person, {"idNumber": new_number})
    cloud.deliver()
    result = desk.submit(person, {"surname": "李"})  # still the old number
    assert result.status == 422
    assert _fields(result) == ["idNumber"]


def test_an_unknown_person_is_named_in_the_error(desk: IdentityDesk) -> None:
    stranger = {"idNumber": id_number(unique_birth())}
    result = desk.submit(stranger, {"surname": "李"})
    assert result.status == 422 and _fields(result) == ["idNumber"]
