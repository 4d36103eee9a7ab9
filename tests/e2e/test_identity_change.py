"""An identity change, end to end over HTTP against `onetrip local`."""

from __future__ import annotations

import json
import subprocess

import pytest
from onetrip.routing import Agency

from tests.builders import AGENCY_FIELDS
from tests.support.identity_flow import IdentityDesk
from tests.support.local_runtime import ONETRIP, HttpCloud, wait_until

pytestmark = pytest.mark.e2e


def test_health_and_docs_are_public(http: HttpCloud) -> None:
    assert http.request("GET", "/health").json == {"status": "ok"}
    assert http.request("GET", "/openapi.json").json["openapi"].startswith("3.")
    assert http.request("GET", "/docs").status == 200


def test_the_authorizer_rejects_missing_and_forged_tokens(http: HttpCloud) -> None:
    missing = http.request("GET", "/persons/p-1")
    assert missing.status == 401
    assert missing.headers["content-type"] == "application/problem+json"
    forged = http.request("GET", "/persons/p-1", headers={"Authorization": "Bearer x.y.z"})
    assert forged.status == 401


def test_a_surname_change_reaches_every_agency_and_completes(http: HttpCloud) -> None:
    # Given a person with a record at every agency
    desk = IdentityDesk(http)
    person = desk.register()
    desk.seed_records(person)

    # When a clerk submits a surname change and an approver approves it
    application = desk.change(person, {"surname": "李"})
    application_id = application["applicationId"]
    assert application["status"] == "applying"

    # Then the pollers and workers carry it to every agency, and it completes
    done = wait_until(
        lambda: (a := desk.application(application_id))["status"] == "completed" and a,
        timeout=90,
    )
    assert desk.links(done) == {agency.value: "applied" for agency in Agency}
    for agency in Agency:
        record = desk.record(agency, person["idNumber"])
        assert record.status == 200, record.json
        assert record.json["surname"] == "李", agency
        assert record.json["lastApplicationId"] == application_id
        for field in AGENCY_FIELDS[agency.value]:
            if field != "surname":
                assert record.json[field] == person[field]
    assert desk.person(person["personId"])["surname"] == "李"

    # And the citizen is told once, by reference, without their ID number (onetrip inbox)
    def told() -> str | None:
        done = subprocess.run(
            [str(ONETRIP), "inbox", "--url", http.url, "--person", person["personId"], "--json"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        return done.stdout if done.returncode == 0 and json.loads(done.stdout) else None

    shown = wait_until(told, timeout=30, interval=0.5)
    (message,) = json.loads(shown)
    assert (message["reference"], message["outcome"]) == (application_id, "completed")
    assert person["idNumber"] not in shown and person["givenName"] not in shown
