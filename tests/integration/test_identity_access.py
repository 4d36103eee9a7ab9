"""Role and ownership checks on the identity routes; no full ID number in any log line."""

from __future__ import annotations

from typing import Any

import pytest
from onetrip.routing import Agency

from tests.builders import APPROVER, CLERK, claims
from tests.support.identity_flow import IdentityDesk


@pytest.fixture
def desk(cloud: Any) -> IdentityDesk:
    return IdentityDesk(cloud)


def test_roles_are_checked_per_route(desk: IdentityDesk, cloud: Any) -> None:
    person = desk.register()
    submitted = desk.submit(person, {"surname": "吴"}).json
    app_id = submitted["applicationId"]

    # A clerk may not approve; an approver may not submit; no token is a 401
    assert (
        cloud.api(
            "POST",
            f"/identity-changes/{app_id}/decision",
            body={"decision": "approve"},
            claims=CLERK,
        ).status
        == 403
    )
    assert cloud.api("POST", "/identity-changes", body={}, claims=APPROVER).status == 403
    assert cloud.api("GET", f"/identity-changes/{app_id}").status == 401
    assert cloud.api("POST", "/persons", body={}, claims=CLERK).status == 403
    # Only ops may retry
    assert (
        cloud.api(
            "POST", f"/identity-changes/{app_id}/linked-updates/gas/retry", claims=CLERK
        ).status
        == 403
    )


def test_a_citizen_sees_only_their_own(desk: IdentityDesk, cloud: Any) -> None:
    me, other = desk.register(), desk.register()
    mine = desk.submit(me, {"surname": "郑"}).json["applicationId"]
    theirs = desk.submit(other, {"surname": "郑"}).json["applicationId"]
    citizen = claims("citizen", sub="me", idNumber=me["idNumber"])

    assert cloud.api("GET", f"/identity-changes/{mine}", claims=citizen).status == 200
    assert cloud.api("GET", f"/identity-changes/{theirs}", claims=citizen).status == 404
    assert cloud.api("GET", f"/persons/{me['personId']}", claims=citizen).status == 200
    assert cloud.api("GET", f"/persons/{other['personId']}", claims=citizen).status == 404
    assert (
        cloud.api(
            "POST", "/persons/lookup", body={"idNumber": other["idNumber"]}, claims=citizen
        ).status
        == 404
    )


def test_an_agency_system_uses_only_its_own_records(desk: IdentityDesk, cloud: Any) -> None:
    person = desk.register()
    desk.seed_records(person, [Agency.WATER])
    water = claims("agency", agency="water")
    gas = claims("agency", agency="gas")
    lookup = {"idNumber": person["idNumber"]}
    assert (
        cloud.api("POST", "/agencies/water/records/lookup", body=lookup, claims=water).status == 200
    )
    assert (
        cloud.api("POST", "/agencies/water/records/lookup", body=lookup, claims=gas).status == 403
    )
    assert cloud.api("POST", "/agencies/gas/records/lookup", body=lookup, claims=gas).status == 404
    assert cloud.api("POST", "/agencies/mars/records/lookup", body=lookup, claims=gas).status == 404
    # A field the agency does not hold is refused by name
    body = {
        "idNumber": person["idNumber"],
        "reference": "W1",
        "surname": "王",
        "givenName": "小明",
        "ethnicity": "汉族",
    }
    refused = cloud.api("PUT", "/agencies/water/records", body=body, claims=water)
    assert refused.status == 422
    assert [e["field"] for e in refused.json["errors"]] == ["ethnicity"]
    # Replacing an existing record is a 200 with the version moved on
    del body["ethnicity"]
    replaced = cloud.api(
        "PUT", "/agencies/water/records", body=body | {"reference": "W2"}, claims=water
    )
    assert (replaced.status, replaced.json["version"], replaced.json["reference"]) == (200, 2, "W2")
