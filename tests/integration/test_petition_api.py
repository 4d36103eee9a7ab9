"""The petition routes: who may file and read what, masking, search, repeats, validation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import claims, id_number, unique_birth
from tests.support.petitions import (
    LEADER,
    PETITION_OFFICE,
    PetitionDesk,
    petition_body,
)


@pytest.fixture
def desk(cloud: Any) -> PetitionDesk:
    return PetitionDesk(cloud)


def _citizen(number: str) -> dict[str, Any]:
    return claims("citizen", sub=f"citizen-{number[-6:]}", idNumber=number)


def test_a_citizen_files_online_for_themselves_and_sees_only_their_own(
    desk: PetitionDesk, cloud: Any
) -> None:
    number = id_number(unique_birth())
    me, someone = _citizen(number), _citizen(id_number(unique_birth()))
    mine = {"name": "李四", "idNumber": number, "phone": "13900139000"}

    # A citizen files online for themselves only
    filed = desk.register(me, petitioner=mine, channel="online")
    assert filed["petitioner"]["idNumber"] != number  # masked for the citizen too
    at_desk = cloud.api("POST", "/petitions", body=petition_body(petitioner=mine), claims=me)
    assert at_desk.status == 422 and at_desk.json["errors"][0]["field"] == "channel"
    other = petition_body(channel="online")
    assert cloud.api("POST", "/petitions", body=other, claims=me).status == 403

    # The citizen reads their own (masked); another citizen gets 404
    path = f"/petitions/{filed['petitionId']}"
    own = cloud.api("GET", path, claims=me)
    assert own.status == 200
    assert own.json["petitioner"]["idNumber"] == number[:6] + "********" + number[-4:]
    assert cloud.api("GET", path, claims=someone).status == 404
    assert [p["petitionId"] for p in cloud.api("GET", "/petitions", claims=me).json] == [
        filed["petitionId"]
    ]

    # The petition office sees the number; a leader sees it masked
    assert desk.petition(filed["petitionId"])["petitioner"]["idNumber"] == number
    led = cloud.api("GET", path, claims=LEADER).json
    assert led["petitioner"]["idNumber"].count("*") == 8


def test_a_similar_petition_within_a_year_is_a_repeat(desk: PetitionDesk, cloud: Any) -> None:
    number = id_number(unique_birth())
    person = {"name": "王五", "idNumber": number, "phone": "13700137000"}
    first = desk.register(
        petitioner=person, subject="派出所不作为", receivedAt="2026-01-05T02:00:00Z"
    )
    assert first["repeatOf"] == []

    again = desk.register(petitioner=person, subject="派出所民警不作为")
    unrelated = desk.register(petitioner=person, subject="户口迁移办理太慢", category="household")

    assert again["repeatOf"] == [first["petitionId"]]
    assert unrelated["repeatOf"] == []
    found = cloud.api(
        "POST", "/petitions/search", body={"petitionerIdNumber": number}, claims=PETITION_OFFICE
    )
    assert found.status == 200
    assert {p["petitionId"] for p in found.json} == {
        first["petitionId"],
        again["petitionId"],
        unrelated["petitionId"],
    }
    as_leader = cloud.api(
        "POST", "/petitions/search", body={"petitionerIdNumber": number}, claims=LEADER
    )
    assert as_leader.status == 403
    bad = cloud.api(
        "POST", "/petitions/search", body={"petitionerIdNumber": "123"}, claims=PETITION_OFFICE
    )
    assert bad.status == 422 and bad.json["errors"][0]["field"] == "petitionerIdNumber"


def test_lists_filter_by_status_and_step(desk: PetitionDesk, cloud: Any) -> None:
    pid = desk.register()["petitionId"]
    desk.wait_for_task(pid, "triage")

    at_triage = cloud.api(
        "GET", "/petitions?status=in_progress&step=triage", claims=PETITION_OFFICE
    )
    closed = cloud.api("GET", "/petitions?status=closed", claims=PETITION_OFFICE)

    assert at_triage.status == 200 and pid in [p["petitionId"] for p in at_triage.json]
    assert pid not in [p["petitionId"] for p in closed.json]
    assert cloud.api("GET", "/petitions?status=lost", claims=PETITION_OFFICE).status == 422


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"petitioner": {"name": "赵六", "idNumber": "330203199001011234", "phone": "138"}},
         "petitioner.phone"),
        ({"petitioner": {"name": "赵六", "idNumber": "330203199001011230", "phone": "13800138000"}},
         "petitioner.idNumber"),
        ({"subject": "长" * 201}, "subject"),
        ({"category": "weather"}, "category"),
        ({"receivedAt": "2099-01-01T00:00:00Z"}, "receivedAt"),
        # Instants are ISO 8601 with a zone: no Unix timestamps (once read as 1970)
        ({"receivedAt": 12345}, "receivedAt"),
        ({"receivedAt": 1.5e9}, "receivedAt"),
        ({"receivedAt": "1700000000"}, "receivedAt"),
        # Far in the past: once a 500 (year 1 overflowed), or unsortable 3-digit years
        ({"receivedAt": "0001-01-01T00:00:00Z"}, "receivedAt"),
        ({"receivedAt": "0999-01-01T00:00:00Z"}, "receivedAt"),
        ({"receivedAt": "1999-12-31T23:59:59Z"}, "receivedAt"),
        # A JSON null or string for the petitioner is well-formed: 422, not 400
        ({"petitioner": None}, "petitioner"),
        ({"petitioner": "张三"}, "petitioner"),
    ],
)  # fmt: skip
def test_a_bad_petition_names_the_field(cloud: Any, overrides: dict[str, Any], field: str) -> None:
    result = cloud.api(
        "POST", "/petitions", body=petition_body(**overrides), claims=PETITION_OFFICE
    )
    assert result.status == 422, result.json
    assert field in [e["field"] for e in result.json["errors"]]


def test_roles_without_petition_work_are_refused(cloud: Any) -> None:
    assert cloud.api("GET", "/tasks", claims=claims("citizen", idNumber="x")).status == 403
    body = petition_body()
    assert cloud.api("POST", "/petitions", body=body, claims=claims("clerk")).status == 403
    assert cloud.api("GET", "/petitions/pet_unknown", claims=PETITION_OFFICE).status == 404
    assert cloud.api("POST", "/tasks/nope/completion", body={}, claims=LEADER).status == 404
