"""Revocation chained to identity changes (EUDI ARF VCR_09) on moto: approval → outbox →
EventBridge rule → SQS → CredentialChain → superseded + re-issued into the same wallet."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from onetrip.events import IdentityChanged

from tests.builders import REGISTRAR, id_number
from tests.support.identity_flow import IdentityDesk
from tests.support.wallet_flow import Wallet, citizen, disclosed, holder_key


@pytest.fixture
def desk(cloud: Any) -> IdentityDesk:
    return IdentityDesk(cloud)


@pytest.fixture
def wallet(cloud: Any) -> Wallet:
    return Wallet(cloud)


def republish(cloud: Any, application: dict[str, Any], changed: list[str], version: int) -> None:
    """The same IdentityChanged again, as a redelivery or a late, reordered copy would."""
    detail = IdentityChanged(
        application_id=application["applicationId"],
        person_id=application["personId"],
        registry_version=version,
        changed_fields=changed,
    )
    cloud.boto("events").put_events(
        Entries=[
            {
                "Source": detail.source,
                "DetailType": detail.detail_type,
                "Detail": detail.to_json(),
                "EventBusName": cloud.bus_name,
            }
        ]  # fmt: skip
    )


def by_id(credentials: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {c["credentialId"]: c for c in credentials}


def test_a_surname_change_supersedes_and_reissues_into_the_same_wallet(
    desk: IdentityDesk, wallet: Wallet, cloud: Any
) -> None:
    # Given a citizen holding a key-bound resident ID, a household register and a licence
    person = desk.register(surname="王")
    _, jwk = holder_key()
    own = citizen(person)
    resident = wallet.issue(own, type="resident_id", holderJwk=jwk).json
    register = wallet.issued(person, "household_register")
    licence = wallet.issued(person, "driving_licence")

    # When the window changes the surname and the change is approved and delivered
    approved = desk.change(person, {"surname": "李"})
    report = cloud.deliver()
    assert report.drained and not report.errors, report.errors

    # Then all three are superseded, each by a fresh valid credential with the new surname
    held = by_id(wallet.list(own))
    assert len(held) == 6
    for old in (resident, register, licence):
        now = held[old["credentialId"]]
        assert now["status"] == "superseded"
        fresh = held[now["supersededBy"]]
        assert (fresh["status"], fresh["type"]) == ("valid", old["type"])
        assert (fresh["replaces"], fresh["applicationId"]) == (
            old["credentialId"], approved["applicationId"],
        )  # fmt: skip
        payload = wallet.verified_payload(fresh["credential"])
        assert disclosed(fresh["credential"], payload)["surname"] == "李"
        assert wallet.status_of(old) == 1  # invalid in the published list
        assert wallet.status_of(fresh) == 0
        assert (
            payload["status"]["status_list"]
            != wallet.verified_payload(old["credential"])["status"]["status_list"]
        )
    # The re-issued resident ID is bound to the same wallet key
    new_resident = held[held[resident["credentialId"]]["supersededBy"]]
    assert wallet.verified_payload(new_resident["credential"])["cnf"] == {"jwk": jwk}
    # And the clerk sees the re-issues on the application
    timeline = [e["event"] for e in desk.application(approved["applicationId"])["timeline"]]
    reissued = sorted(e.split(":")[1] for e in timeline if e.startswith("credential_reissued:"))
    assert reissued == ["driving_licence", "household_register", "resident_id"]


def test_only_credentials_carrying_a_changed_field_are_reissued(
    desk: IdentityDesk, wallet: Wallet, cloud: Any
) -> None:
    # Given a resident ID (carries ethnicity) and a driving licence (does not)
    person = desk.register(ethnicity="汉族")
    resident = wallet.issued(person, "resident_id")
    licence = wallet.issued(person, "driving_licence")
    revoked = wallet.issued(person, "resident_id")
    assert wallet.revoke(revoked["credentialId"], REGISTRAR).status == 200

    # When the ethnicity is corrected
    desk.change(person, {"ethnicity": "回族"})
    cloud.deliver()

    # Then only the resident ID was superseded; the licence and the revoked one stay as they were
    held = by_id(wallet.list(citizen(person)))
    assert held[resident["credentialId"]]["status"] == "superseded"
    assert held[licence["credentialId"]]["status"] == "valid"
    assert held[revoked["credentialId"]]["status"] == "revoked"
    assert len(held) == 4
    fresh = held[held[resident["credentialId"]]["supersededBy"]]
    assert (
        disclosed(fresh["credential"], wallet.verified_payload(fresh["credential"]))["ethnicity"]
        == "回族"
    )


def test_duplicate_and_late_events_change_nothing(
    desk: IdentityDesk, wallet: Wallet, cloud: Any
) -> None:
    # Given a credential re-issued after a given-name change (registry version 2)
    person = desk.register()
    wallet.issued(person, "resident_id")
    approved = desk.change(person, {"givenName": "丽娜"})
    cloud.deliver()
    after_first = by_id(wallet.list(citizen(person)))
    assert len(after_first) == 2

    # When the same event is delivered again, twice, and a late copy of an older version
    republish(cloud, approved, ["givenName"], 2)
    republish(cloud, approved, ["givenName"], 2)
    republish(cloud, approved, ["surname"], 1)
    report = cloud.deliver()

    # Then nothing changed: no third credential, the same statuses
    assert report.records["CredentialChain"] == 3 and not report.errors
    after = by_id(wallet.list(citizen(person)))
    assert {k: v["status"] for k, v in after.items()} == {
        k: v["status"] for k, v in after_first.items()
    }


def test_a_new_id_number_reaches_the_reissued_credential(
    desk: IdentityDesk, wallet: Wallet, cloud: Any
) -> None:
    # Given a resident ID; the birth date is corrected, which allocates a new ID number
    person = desk.register(gender="female", idNumber=id_number(date(1984, 5, 6), "female"),
                           birthDate="1984-05-06")  # fmt: skip
    old = wallet.issue(citizen(person), type="resident_id").json
    desk.change(person, {"birthDate": "1984-06-05"})
    cloud.deliver()

    # Then the re-issued credential carries the new number and birth date, and the citizen
    # (whose token still names the former number) finds it in their wallet
    current = desk.person(person["personId"])
    assert current["idNumber"] != person["idNumber"]
    held = by_id(wallet.list(citizen(person)))
    fresh = held[held[old["credentialId"]]["supersededBy"]]
    values = disclosed(fresh["credential"], wallet.verified_payload(fresh["credential"]))
    assert (values["idNumber"], values["birthDate"]) == (current["idNumber"], "1984-06-05")


@pytest.fixture
def service_logs(caplog: pytest.LogCaptureFixture) -> Callable[[], str]:
    caplog.set_level(logging.INFO)
    formatter = LambdaPowertoolsFormatter()
    return lambda: "\n".join(formatter.format(record) for record in caplog.records)


def test_no_claim_value_reaches_the_logs_or_the_event(
    desk: IdentityDesk, wallet: Wallet, cloud: Any, service_logs: Callable[[], str]
) -> None:
    person = desk.register(surname="欧阳", givenName="娜娜")
    wallet.issue(citizen(person), type="resident_id")
    approved = desk.change(person, {"surname": "司马"})
    cloud.deliver()
    logs = service_logs()
    assert "credentials re-issued" in logs
    for value in (person["idNumber"], "欧阳", "司马", "娜娜", person["birthDate"]):
        assert value not in logs
    event = json.loads(IdentityChanged(
        application_id=approved["applicationId"], person_id=person["personId"],
        registry_version=2, changed_fields=["surname"]).to_json())  # fmt: skip
    assert set(event) == {"schemaVersion", "applicationId", "personId", "registryVersion",
                          "changedFields"}  # fmt: skip
