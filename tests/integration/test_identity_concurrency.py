"""Concurrent approvals: exactly one wins, the registry moves on once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest

from tests.builders import id_number
from tests.support.identity_flow import IdentityDesk


@pytest.fixture
def desk(cloud: Any) -> IdentityDesk:
    return IdentityDesk(cloud)


def test_two_approvers_racing_on_one_application_apply_it_once(
    desk: IdentityDesk, cloud: Any
) -> None:
    # Given one submitted change
    person = desk.register()
    application_id = desk.submit(person, {"surname": "周"}).json["applicationId"]

    # When two approvers approve it at the same moment
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: desk.decide(application_id), range(2)))

    # Then one succeeds, the other gets a 409, and the registry moved one version
    assert sorted(r.status for r in results) == [200, 409]
    assert desk.person(person["personId"])["version"] == 2
    cloud.deliver()


def test_two_people_claiming_the_same_new_number_get_it_once(
    desk: IdentityDesk, cloud: Any
) -> None:
    # Given two persons born the same day, each asking for the same free number
    birth = date(1988, 8, 8)
    first = desk.register(idNumber=id_number(birth), birthDate=birth.isoformat())
    second = desk.register(idNumber=id_number(birth), birthDate=birth.isoformat())
    wanted = id_number(birth)
    ids = [desk.submit(p, {"idNumber": wanted}).json["applicationId"] for p in (first, second)]

    # When both are approved concurrently
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(desk.decide, ids))

    # Then exactly one holds the number; the other is a 409 naming changes.idNumber
    assert sorted(r.status for r in results) == [200, 409]
    loser = next(r for r in results if r.status == 409)
    assert loser.json["errors"] == [{"field": "changes.idNumber", "message": "is already in use"}]
    holders = [desk.person(p["personId"])["idNumber"] for p in (first, second)]
    assert holders.count(wanted) == 1
    cloud.deliver()
