"""公民身份信息连锁变更 end to end on moto: API handler → registry transaction → outbox →
EventBridge rules from the synthesized template → SQS → agency consumers → records.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from onetrip.clock import now
from onetrip.logic import linked_updates
from onetrip.routing import Agency

from tests.builders import holders
from tests.support.identity_flow import IdentityDesk

UTILITIES = [Agency.WATER, Agency.ELECTRICITY, Agency.GAS]


@pytest.fixture
def desk(cloud: Any) -> IdentityDesk:
    return IdentityDesk(cloud)


def test_a_surname_change_reaches_every_agency_and_completes(
    desk: IdentityDesk, cloud: Any
) -> None:
    # Given a person known to all seven agencies
    person = desk.register()
    desk.seed_records(person)

    # When the window changes the surname and the approver approves
    approved = desk.change(person, {"surname": "李"})
    assert approved["status"] == "applying"
    assert desk.links(approved) == {a.value: "pending" for a in Agency}
    report = cloud.deliver()

    # Then every agency record carries the new surname, and the application completed
    assert report.drained and not report.errors
    for agency in Agency:
        record = desk.record(agency, person["idNumber"]).json
        assert record["surname"] == "李", agency
        assert record["version"] == 2
        assert record["lastApplicationId"] == approved["applicationId"]
    application = desk.application(approved["applicationId"])
    assert application["status"] == "completed"
    assert desk.links(application) == {a.value: "applied" for a in Agency}
    assert all(lu["attempts"] == 1 for lu in application["linkedUpdates"])
    assert [e["event"] for e in application["timeline"]] == [
        "submitted",
        "approved",
        "completed",
    ]
    assert desk.person(person["personId"])["surname"] == "李"


def test_an_ethnicity_change_reaches_only_the_agencies_that_hold_it(
    desk: IdentityDesk, cloud: Any
) -> None:
    # Given a person known to all seven agencies
    person = desk.register()
    desk.seed_records(person)

    # When only the ethnicity changes
    approved = desk.change(person, {"ethnicity": "回族"})
    cloud.deliver()

    # Then only social security and the student roll get a linked update
    application = desk.application(approved["applicationId"])
    expected = {"social_security", "student_roll"}  # API.md's table
    assert set(desk.links(application)) == holders("ethnicity") == expected
    assert application["status"] == "completed"
    for agency in Agency:
        record = desk.record(agency, person["idNumber"]).json
        if agency in expected:
            assert (record["ethnicity"], record["version"]) == ("回族", 2)
        else:
            assert record["version"] == 1 and "ethnicity" not in record


def test_a_birth_date_correction_allocates_a_number_and_rekeys_every_record(
    desk: IdentityDesk, cloud: Any
) -> None:
    # Given a person known to every agency
    person = desk.register(gender="female")
    desk.seed_records(person)
    old_number = person["idNumber"]
    new_birth = date.fromisoformat(person["birthDate"]) + timedelta(days=1)

    # When the birth date is corrected (the number must change with it)
    submitted = desk.submit(person, {"birthDate": new_birth.isoformat()}, kind="correction")
    assert submitted.status == 201, submitted.json
    assert submitted.json["changes"]["idNumber"] == {"from": old_number, "to": None}
    approved = desk.decide(submitted.json["applicationId"]).json
    new_number = approved["changes"]["idNumber"]["to"]
    cloud.deliver()

    # Then the system allocated a consistent number: same region, new date, female parity
    assert new_number[:6] == old_number[:6]
    assert new_number[6:14] == f"{new_birth:%Y%m%d}"
    assert int(new_number[16]) % 2 == 0
    registry = desk.person(person["personId"])
    assert (registry["idNumber"], registry["formerIdNumbers"]) == (new_number, [old_number])
    # ...and the old number still finds the person and every re-keyed record
    found = cloud.api(
        "POST",
        "/persons/lookup",
        body={"idNumber": old_number},
        claims={"sub": "c", "cognito:groups": ["clerk"]},
    )
    assert found.json["personId"] == person["personId"]
    assert found.json["idNumber"] == new_number
    for agency in Agency:
        by_new = desk.record(agency, new_number)
        by_old = desk.record(agency, old_number)
        assert by_new.status == 200 and by_new.json == by_old.json
        assert by_new.json["idNumber"] == new_number
        if agency.value in holders("birthDate"):
            assert by_new.json["birthDate"] == new_birth.isoformat()
    assert desk.application(approved["applicationId"])["status"] == "completed"


def test_an_agency_without_a_record_is_not_applicable(desk: IdentityDesk, cloud: Any) -> None:
    # Given a person with only a water account and a social-security card
    person = desk.register()
    desk.seed_records(person, [Agency.WATER, Agency.SOCIAL_SECURITY])

    # When the given name changes
    approved = desk.change(person, {"givenName": "小红"})
    cloud.deliver()

    # Then those two are applied and the other five are not applicable; completed
    application = desk.application(approved["applicationId"])
    links = desk.links(application)
    assert links.pop("water") == links.pop("social_security") == "applied"
    assert set(links.values()) == {"not_applicable"}
    assert application["status"] == "completed"


def _receive_all(cloud: Any, queue: str) -> list[dict[str, Any]]:
    sqs, url = cloud.boto("sqs"), cloud.queue_url(queue)
    messages: list[dict[str, Any]] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        messages += batch
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)
            ],
        )
    return messages


def test_duplicate_and_out_of_order_deliveries_change_nothing(
    desk: IdentityDesk, cloud: Any
) -> None:
    # Given two approved changes whose water events are taken off the queue
    person = desk.register()
    desk.seed_records(person, [Agency.WATER])
    cloud.deliver()
    first = desk.change(person, {"surname": "赵"})
    second = desk.change(desk.person(person["personId"]), {"givenName": "大明"})
    events = _receive_all(cloud, "WaterQueue")
    assert [json.loads(m["Body"])["detail"]["applicationId"] for m in events] == [
        first["applicationId"],
        second["applicationId"],
    ]

    # When they arrive in reverse order, and then each once more
    sqs, url = cloud.boto("sqs"), cloud.queue_url("WaterQueue")
    for message in [*reversed(events), *events]:
        sqs.send_message(QueueUrl=url, MessageBody=message["Body"])
    report = cloud.deliver()

    # Then the record mirrors the registry's latest state, written exactly once
    assert not report.errors
    record = desk.record(Agency.WATER, person["idNumber"]).json
    assert (record["surname"], record["givenName"]) == ("赵", "大明")
    assert record["version"] == 2  # one write brought it level with registry version 3
    for approved in (first, second):
        application = desk.application(approved["applicationId"])
        assert application["status"] == "completed"
        water = next(lu for lu in application["linkedUpdates"] if lu["agency"] == "water")
        assert (water["status"], water["attempts"]) == ("applied", 1)


def test_a_failing_consumer_ends_in_the_dlq_and_an_ops_retry_completes(
    desk: IdentityDesk, cloud: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the gas consumer fails on every delivery
    person = desk.register()
    desk.seed_records(person, UTILITIES)
    real_sync = linked_updates._sync

    def broken_gas(stores: Any, agency: Agency, *args: Any) -> Any:
        if agency == Agency.GAS:
            raise ConnectionError("gas company system unreachable")
        return real_sync(stores, agency, *args)

    monkeypatch.setattr(linked_updates, "_sync", broken_gas)

    # When a name change is approved and delivered until the queue gives up
    approved = desk.change(person, {"surname": "钱"})
    report = cloud.deliver()

    # Then gas failed after maxReceiveCount deliveries, the others applied
    assert report.failures["LinkedUpdateGas"] == 5
    application = desk.application(approved["applicationId"])
    gas = next(lu for lu in application["linkedUpdates"] if lu["agency"] == "gas")
    assert gas["status"] == "failed" and gas["attempts"] == 5
    assert "gas company system unreachable" in gas["error"]
    assert application["status"] == "completed_with_failures"
    assert desk.record(Agency.GAS, person["idNumber"]).json["surname"] == "王"

    # When the gas system is back and ops retries
    monkeypatch.setattr(linked_updates, "_sync", real_sync)
    retried = desk.retry(approved["applicationId"], Agency.GAS)
    assert retried.status == 202
    assert retried.json["status"] == "applying"
    cloud.deliver()

    # Then the gas record is updated and the application completed
    assert desk.record(Agency.GAS, person["idNumber"]).json["surname"] == "钱"
    application = desk.application(approved["applicationId"])
    assert application["status"] == "completed"
    assert [e["event"] for e in application["timeline"]][-3:] == [
        "completed_with_failures",
        "retry_requested:gas",
        "completed",
    ]
    # A second retry of an applied update is a conflict
    assert desk.retry(approved["applicationId"], Agency.GAS).status == 409


def test_a_crash_between_commit_and_publish_loses_nothing(
    desk: IdentityDesk, cloud: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given publishing after commit dies (the process crashed after the transaction)
    person = desk.register()
    desk.seed_records(person, UTILITIES)
    monkeypatch.setattr("onetrip.dal.outbox.Outbox.publish_quietly", lambda self, items: None)
    approved = desk.change(person, {"surname": "孙"})
    monkeypatch.undo()
    assert cloud.deliver().records.total() == 0
    assert desk.application(approved["applicationId"])["status"] == "applying"

    # When the scheduled outbox relay runs a minute later
    result = cloud.fire_schedule("OutboxRelay", now() + timedelta(minutes=1))
    cloud.deliver()

    # Then the event went out and every linked update applied
    assert result["published"] >= 1
    application = desk.application(approved["applicationId"])
    assert application["status"] == "completed"
    for agency in UTILITIES:
        assert desk.record(agency, person["idNumber"]).json["surname"] == "孙"
