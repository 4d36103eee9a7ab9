"""`onetrip ops` against the local cloud: redrive, retry, stuck applications, history.

The faults are real failures of the consumer's writes (the water company's records can
not be written), not stubs of the commands under test.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from onetrip.logic import linked_updates
from onetrip.routing import HELD_FIELDS, Agency, IdentityField
from onetrip_local.harness import LocalCloud
from onetrip_ops import cases, queues
from onetrip_ops.target import TargetError

from tests.builders import OPS
from tests.support.identity_flow import IdentityDesk
from tests.support.ops import target_of
from tests.support.petitions import PetitionDesk


def ops_api(cloud: LocalCloud) -> cases.ApiCall:
    def call(method: str, path: str) -> tuple[int, Any]:
        result = cloud.api(method, path, claims=OPS)
        return result.status, result.json

    return call


class WaterWritesFail:
    """The water consumer's transactions fail (its records cannot be written), whether
    it applies an update or gives one up: messages pile up in the water DLQ."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real = linked_updates.transact

        def transact(writes: Any) -> Any:
            if os.environ.get("AGENCY") == Agency.WATER.value:
                raise RuntimeError("water records unavailable")
            return real(writes)

        monkeypatch.setattr(linked_updates, "transact", transact)
        self._undo = lambda: monkeypatch.setattr(linked_updates, "transact", real)

    def repair(self) -> None:
        self._undo()


def _surname_changes(desk: IdentityDesk, count: int) -> list[tuple[dict[str, Any], str]]:
    changed = []
    for _ in range(count):
        person = desk.register()
        desk.seed_records(person, [Agency.WATER])
        application = desk.change(person, {"surname": "李"})
        changed.append((person, application["applicationId"]))
    return changed


def test_redrive_moves_dead_letters_back_and_the_updates_complete_once(
    fresh_cloud: LocalCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given three approved surname changes whose water updates dead-lettered while the
    # water records could not be written (the DLQ consumer failed too, so they stay there)
    desk, target = IdentityDesk(fresh_cloud), target_of(fresh_cloud)
    fault = WaterWritesFail(monkeypatch)
    changed = _surname_changes(desk, 3)
    fresh_cloud.deliver(max_rounds=15)
    assert queues.depths(target)["WaterDeadLetters"] == 3
    assert {n: c for n, c in queues.depths(target).items() if n != "WaterDeadLetters"} == {
        n: 0 for n in target.dead_letter_queues() if n != "WaterDeadLetters"
    }
    for _, application_id in changed:
        application = desk.application(application_id)
        assert application["status"] == "applying"
        assert desk.links(application)["water"] == "pending"
    # …which `ops stuck` lists, each waiting for water only
    stuck = cases.stuck_applications(target, older_than=timedelta(0), now=datetime.now(UTC))
    assert sorted(s.application_id for s in stuck) == sorted(a for _, a in changed)
    assert {s.pending for s in stuck} == {("water",)}

    # When the fault is repaired and the water DLQ is redriven (receive → send → delete:
    # moto has no StartMessageMoveTask)
    fault.repair()
    result = queues.redrive(target, "water")

    # Then all three messages moved back once, and delivering them completes every change
    assert (result.dead_letter_queue, result.source_queue) == ("WaterDeadLetters", "WaterQueue")
    assert (result.moved, result.failed, result.method) == (3, 0, "receive-send-delete")
    assert queues.depths(target)["WaterDeadLetters"] == 0
    report = fresh_cloud.deliver()
    assert report.drained and not report.errors
    assert report.records["LinkedUpdateWater"] == 3  # nothing lost, nothing doubled
    for person, application_id in changed:
        application = desk.application(application_id)
        assert application["status"] == "completed"
        assert desk.links(application)["water"] == "applied"
        record = desk.record(Agency.WATER, person["idNumber"]).json
        assert record["surname"] == "李"
    assert cases.stuck_applications(target, older_than=timedelta(0), now=datetime.now(UTC)) == []
    # A second redrive finds nothing to move
    assert queues.redrive(target, "WaterDeadLetters").moved == 0


def test_redrive_with_a_limit_moves_only_that_many(
    fresh_cloud: LocalCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk, target = IdentityDesk(fresh_cloud), target_of(fresh_cloud)
    fault = WaterWritesFail(monkeypatch)
    _surname_changes(desk, 2)
    fresh_cloud.deliver(max_rounds=15)
    fault.repair()

    result = queues.redrive(target, "WaterDeadLetters", limit=1)

    assert (result.moved, result.failed) == (1, 0)
    assert queues.depths(target)["WaterDeadLetters"] == 1
    sqs = fresh_cloud.boto("sqs")
    attributes = sqs.get_queue_attributes(
        QueueUrl=target.queue_url("WaterQueue"), AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "1"


def test_redrive_of_an_unknown_queue_names_the_known_dead_letter_queues(
    fresh_cloud: LocalCloud,
) -> None:
    with pytest.raises(TargetError, match="WaterDeadLetters"):
        queues.redrive(target_of(fresh_cloud), "sewage")


def test_retry_sends_every_failed_linked_update_again_and_the_change_completes(
    fresh_cloud: LocalCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a change whose water update was given up (the DLQ consumer marked it failed)
    desk = IdentityDesk(fresh_cloud)
    real_sync = linked_updates._sync

    def sync(stores: Any, agency: Agency, *args: Any) -> Any:
        if agency is Agency.WATER:
            raise RuntimeError("water records unavailable")
        return real_sync(stores, agency, *args)

    monkeypatch.setattr(linked_updates, "_sync", sync)
    ((person, application_id),) = _surname_changes(desk, 1)
    fresh_cloud.deliver()
    failed = desk.application(application_id)
    assert failed["status"] == "completed_with_failures"
    assert desk.links(failed)["water"] == "failed"
    target = target_of(fresh_cloud)
    assert cases.stuck_applications(target, older_than=timedelta(0), now=datetime.now(UTC)) == []

    # When the fault is gone and ops retries every failed update of the application
    monkeypatch.setattr(linked_updates, "_sync", real_sync)
    results = cases.retry_failed(ops_api(fresh_cloud), application_id)
    # (applying again, so `ops stuck` would list it until the retry lands)
    (again,) = cases.stuck_applications(target, older_than=timedelta(0), now=datetime.now(UTC))
    assert (again.application_id, again.pending) == (application_id, ("water",))
    report = fresh_cloud.deliver()

    # Then water was retried once, and the change completed
    assert [(agency, status) for agency, status, _ in results] == [("water", 202)]
    assert report.records["LinkedUpdateWater"] == 1
    done = desk.application(application_id)
    assert done["status"] == "completed"
    assert desk.links(done)["water"] == "applied"
    assert desk.record(Agency.WATER, person["idNumber"]).json["surname"] == "李"
    # Retrying an update that is no longer failed is refused by the API, and said so
    ((agency, status, body),) = cases.retry_failed(ops_api(fresh_cloud), application_id, ["water"])
    assert (agency, status, body["status"]) == ("water", 409, 409)


def test_stuck_lists_only_applications_older_than_the_threshold(fresh_cloud: LocalCloud) -> None:
    desk, target = IdentityDesk(fresh_cloud), target_of(fresh_cloud)
    ((_, application_id),) = _surname_changes(desk, 1)  # not delivered: still applying
    now = datetime.now(UTC)

    assert cases.stuck_applications(target, older_than=timedelta(minutes=30), now=now) == []
    (stuck,) = cases.stuck_applications(
        target, older_than=timedelta(minutes=30), now=now + timedelta(minutes=31)
    )
    assert stuck.application_id == application_id
    assert stuck.waiting >= timedelta(minutes=31)
    holders = sorted(
        a.value for a, fields in HELD_FIELDS.items() if IdentityField.SURNAME in fields
    )
    assert (stuck.pending, stuck.failed) == (tuple(holders), ())


def test_history_shows_the_petition_workflow_without_its_data(fresh_cloud: LocalCloud) -> None:
    desk = PetitionDesk(fresh_cloud)
    petition = desk.register()
    desk.wait_for_task(petition["petitionId"], "triage")

    events = cases.petition_history(target_of(fresh_cloud), petition["petitionId"])

    assert events[0]["type"] == "ExecutionStarted"
    entered = [e["name"] for e in events if e["type"].endswith("StateEntered")]
    assert entered == ["Triage"]
    assert all(set(e) <= {"id", "at", "type", "name", "resourceType", "resource"} for e in events)
    with pytest.raises(TargetError, match="no workflow execution"):
        cases.petition_history(target_of(fresh_cloud), "pet_missing")
