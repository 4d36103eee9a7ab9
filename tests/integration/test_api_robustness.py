"""Bad input gets a clear RFC 9457 problem (never a 5xx) and changes nothing.

Regressions found by fuzzing the persons, identity-changes and agencies routes.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from tests.builders import CLERK, REGISTRAR, claims, id_number, person_body, unique_birth
from tests.support.identity_flow import IdentityDesk

JSON = {"content-type": "application/json"}


@pytest.fixture
def desk(cloud: Any) -> IdentityDesk:
    return IdentityDesk(cloud)


def _problem(result: Any, status: int) -> dict[str, Any]:
    assert result.status == status, (result.status, result.json)
    assert result.headers["content-type"].startswith("application/problem+json"), result.headers
    assert result.json["status"] == status
    return dict(result.json)


def _fields(result: Any) -> list[str]:
    return [e["field"] for e in _problem(result, 422).get("errors", [])]


def _not_registered(cloud: Any, number: str) -> None:
    lookup = cloud.api("POST", "/persons/lookup", body={"idNumber": number}, claims=CLERK)
    assert lookup.status == 404


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        (b"\xff\xfe{}", "application/json", 400),  # not UTF-8
        (b"GB18030", "application/json", 400),  # JSON, but GB 18030-encoded
        ("BODY", "text/plain", 415),
        ("BODY", "multipart/form-data", 415),  # no boundary: used to be a 500
        ("idNumber=1&surname=x", "application/x-www-form-urlencoded", 415),
        ("[BODY]", "application/json", 400),  # Powertools took the array's first element
        ("[" * 50_000 + "]" * 50_000, "application/json", 400),  # RecursionError
        ('{"idNumber": NaN}', "application/json", 400),
        ("null", "application/json", 400),
        ("", "application/json", 400),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(
    cloud: Any, raw: str | bytes, content_type: str, status: int
) -> None:
    body = person_body(surname="李")
    text = json.dumps(body, ensure_ascii=False)
    if isinstance(raw, str):
        raw = raw.replace("BODY", text)
    elif raw == b"GB18030":
        raw = text.encode("gb18030")

    result = cloud.api(
        "POST", "/persons", raw_body=raw, headers={"content-type": content_type}, claims=REGISTRAR
    )

    _problem(result, status)
    _not_registered(cloud, body["idNumber"])


def test_the_same_checks_guard_every_body_route(cloud: Any) -> None:
    for method, path, role in [
        ("POST", "/identity-changes", CLERK),
        ("POST", "/persons/lookup", CLERK),
        ("PUT", "/agencies/water/records", claims("agency", agency="water")),
        ("POST", "/identity-changes/chg_x/decision", claims("approver")),
    ]:
        for raw, content_type, status in [
            (b"\x80", "application/json", 400),
            (b"{}", "text/plain", 415),
        ]:
            result = cloud.api(
                method, path, raw_body=raw, headers={"content-type": content_type}, claims=role
            )
            assert result.status == status, (path, result.status, result.json)
            assert result.headers["content-type"].startswith("application/problem+json")


def test_a_path_no_route_matches_inside_a_function_is_a_404_problem(
    desk: IdentityDesk, cloud: Any
) -> None:
    person = desk.register()
    result = cloud.api("GET", f"/persons/{person['personId']}/", claims=CLERK)
    _problem(result, 404)


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"changes": None}, "changes"),
        ({"changes": [{"surname": "李"}]}, "changes"),
        ({"window": None}, "window"),
        ({"window": []}, "window"),
        ({"reason": "   "}, "reason"),
        ({"window": {"district": "  "}}, "window.district"),
    ],
)
def test_a_nested_value_of_the_wrong_type_is_a_422_naming_it(
    desk: IdentityDesk, cloud: Any, form: dict[str, Any], field: str
) -> None:
    person = desk.register()
    changes = form.pop("changes", {"surname": "李"})
    result = desk.submit(person, changes, **form)
    assert field in _fields(result)
    listed = cloud.api("GET", f"/identity-changes?personId={person['personId']}", claims=CLERK)
    assert listed.json == []


@pytest.mark.parametrize("written", ["BIRTHT00:00:00Z", 0, 19900307, "BIRTH ", "１９９０-03-07"])
def test_dates_are_written_yyyy_mm_dd(cloud: Any, written: Any) -> None:
    body = person_body()
    if isinstance(written, str):
        written = written.replace("BIRTH", body["birthDate"])
    result = cloud.api("POST", "/persons", body={**body, "birthDate": written}, claims=REGISTRAR)
    assert _fields(result) == ["birthDate"]
    assert "YYYY-MM-DD" in result.json["detail"]
    _not_registered(cloud, body["idNumber"])


def test_names_in_a_change_are_trimmed_like_at_registration(desk: IdentityDesk) -> None:
    person = desk.register()
    # " 王" is the current surname with a space: no change at all
    assert _fields(desk.submit(person, {"surname": " 王 "})) == ["changes.surname"]

    submitted = desk.submit(person, {"surname": " 李 "})
    assert submitted.status == 201, submitted.json
    assert submitted.json["changes"] == {"surname": {"from": "王", "to": "李"}}
    desk.decide(submitted.json["applicationId"])
    assert desk.person(person["personId"])["surname"] == "李"


def test_a_citizen_claim_with_a_lowercase_x_still_finds_themselves(
    desk: IdentityDesk, cloud: Any
) -> None:
    birth = unique_birth()
    number = next(
        n for n in (id_number(birth, sequence=s) for s in range(1, 499)) if n.endswith("X")
    )
    person = desk.register(idNumber=number.lower(), birthDate=birth.isoformat())
    assert person["idNumber"] == number
    citizen = claims("citizen", idNumber=number.lower())
    assert cloud.api("GET", f"/persons/{person['personId']}", claims=citizen).status == 200
    found = cloud.api("POST", "/persons/lookup", body={"idNumber": number}, claims=citizen)
    assert found.status == 200 and found.json["personId"] == person["personId"]


def test_agency_records_are_trimmed_and_need_a_reference(desk: IdentityDesk, cloud: Any) -> None:
    person = desk.register()
    water = claims("agency", agency="water")
    body = {"idNumber": person["idNumber"], "surname": " 王", "givenName": "小明 "}

    blank = cloud.api(
        "PUT", "/agencies/water/records", body={**body, "reference": "   "}, claims=water
    )
    assert _fields(blank) == ["reference"]
    lookup = {"idNumber": person["idNumber"]}
    missing = cloud.api("POST", "/agencies/water/records/lookup", body=lookup, claims=water)
    assert missing.status == 404

    put = cloud.api(
        "PUT", "/agencies/water/records", body={**body, "reference": " W-1 "}, claims=water
    )
    assert put.status == 201, put.json
    assert (put.json["surname"], put.json["givenName"], put.json["reference"]) == (
        "王",
        "小明",
        "W-1",
    )


def test_birth_dates_in_changes_and_agency_records_are_strict_too(
    desk: IdentityDesk, cloud: Any
) -> None:
    person = desk.register()
    result = desk.submit(person, {"birthDate": f"{date(1991, 1, 1)}T00:00:00Z"})
    assert _fields(result) == ["changes.birthDate"]
    record = {
        "idNumber": person["idNumber"],
        "surname": "王",
        "givenName": "小明",
        "gender": "male",
        "birthDate": 0,
        "ethnicity": "汉族",
        "reference": "S-1",
    }
    put = cloud.api(
        "PUT",
        "/agencies/social_security/records",
        body=record,
        claims=claims("agency", agency="social_security"),
    )
    assert _fields(put) == ["birthDate"]


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/petitions", "petition_office"),
        ("/tasks/t1/completion", "petition_office"),
        ("/petitions/p1/extension", "leader"),
        ("/petitions/search", "petition_office"),
    ],
)
def test_petition_routes_refuse_bodies_that_are_not_utf8_json_objects(
    cloud: Any, path: str, role: str
) -> None:
    staff = {"sub": "u", "cognito:groups": [role]}
    for raw in (b"\xff\xfe\x00", b"[]", b"not json"):
        result = cloud.api(
            "POST", path, raw_body=raw, claims=staff, headers={"content-type": "application/json"}
        )
        assert result.status == 400, (path, raw, result.json)
        assert result.headers["content-type"].startswith("application/problem+json")
