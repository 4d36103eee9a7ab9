"""`onetrip ops` against the local cloud: redrive, retry, stuck applications, history.

The faults are real failures of the consumer's writes (the water company's records can
not be written), not stubs of the commands under test.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from onetrip.clock import parse_instant
from onetrip.dal.agency_notifications import NotificationStore
from onetrip.logic import linked_updates
from onetrip.routing import HELD_FIELDS, Agency, IdentityField
from onetrip_local.cli import main
from onetrip_local.harness import LocalCloud
from onetrip_ops import cases, queues
from onetrip_ops import cli as ops_cli
from onetrip_ops.target import TargetError

from tests.builders import OPS
from tests.support.identity_flow import IdentityDesk
from tests.support.ops import target_of
from tests.support.petitions import PetitionDesk
from tests.webhooks import ACK_DEADLINE_MINUTES, WEBHOOK_CONTEXT, in_process_simulators


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


# -- webhook agencies: notified, not acknowledged -------------------------------------------


@pytest.fixture(scope="module")
def hooks() -> Iterator[LocalCloud]:
    """Water and gas in `webhook` mode (ack deadline ACK_DEADLINE_MINUTES)."""
    cloud = LocalCloud.start(context=WEBHOOK_CONTEXT, stack_name="opshooks")
    yield cloud
    cloud.stop()


def test_stuck_lists_notified_links_past_their_acknowledgement_deadline(
    hooks: LocalCloud, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a change that water's system never acknowledges (down), gas's acknowledged
    sims = in_process_simulators(hooks)
    sims[Agency.WATER].mode = "down"
    desk, target = IdentityDesk(hooks), target_of(hooks)
    person = desk.register()
    records = desk.seed_records(person, [Agency.WATER, Agency.GAS])
    for agency, sim in sims.items():
        sim.seed(dict(records[agency]))
    application_id = desk.change(person, {"surname": "欧阳"})["applicationId"]
    hooks.deliver()
    assert desk.links(desk.application(application_id))["water"] == "notified"
    store = NotificationStore(hooks.table("Applications"))
    far = (datetime.now(UTC) + timedelta(days=3650)).strftime("%Y-%m-%dT%H:%M:%SZ")
    (water,) = [n for n in store.due(by=far) if n.application_id == application_id]
    due = parse_instant(water.ack_due_at)
    assert due - parse_instant(water.notified_at) == timedelta(minutes=ACK_DEADLINE_MINUTES)

    # Then the application is stuck waiting for water's acknowledgement (not `pending`)
    (stuck,) = [s for s in cases.stuck_applications(target, older_than=timedelta(0),
                                                    now=datetime.now(UTC))
                if s.application_id == application_id]  # fmt: skip
    assert (stuck.pending, stuck.notified, stuck.failed) == ((), ("water",), ())
    # and before its deadline the notification is not overdue; a second after, it is
    assert cases.overdue_notifications(target, now=due - timedelta(seconds=1)) == []
    late = due + timedelta(seconds=1)
    assert cases.overdue_notifications(target, now=late) == [
        cases.OverdueNotification(
            agency="water", notification_id=water.notification_id, application_id=application_id,
            notified_at=water.notified_at, ack_due_at=water.ack_due_at, resends=0,
        )
    ]  # fmt: skip

    # When the sweep re-sends it (water still down): still listed, since the same
    # instant, with one re-send
    assert hooks.fire_schedule("AcknowledgementSweep", late) == {"reminded": 1}
    hooks.deliver()
    (again,) = cases.overdue_notifications(target, now=late + timedelta(minutes=1))
    assert (again.notification_id, again.ack_due_at, again.resends) == (
        water.notification_id, water.ack_due_at, 1,
    )  # fmt: skip

    # and `onetrip ops stuck` prints it under overdueNotifications
    monkeypatch.setattr(ops_cli, "_target", lambda args: target)
    monkeypatch.setattr(ops_cli, "datetime", _Frozen.at(late + timedelta(minutes=90)))
    capsys.readouterr()  # what the functions printed (metrics) so far
    assert main(["ops", "--url", "http://unused", "--json", "stuck", "--older-than", "0"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["overdueNotifications"] == [
        {"agency": "water", "notificationId": water.notification_id,
         "applicationId": application_id, "notifiedAt": water.notified_at,
         "ackDueAt": water.ack_due_at, "overdueMinutes": 90, "resends": 1}
    ]  # fmt: skip
    (row,) = [a for a in printed["applications"] if a["applicationId"] == application_id]
    assert (row["pending"], row["notified"], row["failed"]) == ([], ["water"], [])
    assert main(["ops", "--url", "http://unused", "stuck", "--older-than", "0"]) == 0
    text = capsys.readouterr().out
    assert "# overdueNotifications" in text
    assert f'notificationId="{water.notification_id}"' in text and "resends=1" in text

    # When water is back and acknowledges the next reminder: nothing is overdue any more
    sims[Agency.WATER].mode = "up"
    next_check = late + timedelta(minutes=ACK_DEADLINE_MINUTES + 1)
    assert hooks.fire_schedule("AcknowledgementSweep", next_check) == {"reminded": 1}
    hooks.deliver()
    assert desk.application(application_id)["status"] == "completed"
    assert cases.overdue_notifications(target, now=next_check) == []


class _Frozen(datetime):
    """`datetime` whose now() is a fixed instant (the CLI's clock, not the stores')."""

    instant: datetime

    @classmethod
    def at(cls, instant: datetime) -> type[_Frozen]:
        return type("Frozen", (cls,), {"instant": instant})

    @classmethod
    def now(cls, tz: Any = None) -> _Frozen:  # type: ignore[override]
        return cls.instant  # type: ignore[return-value]
