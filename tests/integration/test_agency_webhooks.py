"""Agencies with their own systems (issue 10): water and gas in `webhook` mode, the rest
`mirror`. Notification → signature → pull → apply → ack, over the emulated API
destinations, with simulated agency systems (onetrip_local.agency_sim) plugged in.

Expected values come from API.md ("Agencies with their own systems") and the registry.
Four scenarios (each a change run once per module) keep the module lean: one completed,
one left open (water down, gas acknowledging wrongly), one whose ack dies, one outage.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from onetrip.dal.activity import ActivityLog
from onetrip.dal.agency_notifications import Notification, NotificationStore
from onetrip.routing import Agency
from onetrip_local.agency_sim import AgencySimulator
from onetrip_local.harness import LocalCloud

from tests.builders import AGENCY_FIELDS, claims
from tests.support.identity_flow import IdentityDesk
from tests.webhooks import (
    ACK_DEADLINE_MINUTES,
    WEBHOOK_AGENCIES,
    WEBHOOK_CONTEXT,
    in_process_simulators,
)

NOTIFICATION_KEYS = {"notificationId", "applicationId", "agency", "changedFields",
                     "registryVersion"}  # fmt: skip


@dataclass
class Scenario:
    desk: IdentityDesk
    sims: dict[Agency, AgencySimulator]
    person: dict[str, Any]
    application_id: str
    report: Any

    def application(self) -> dict[str, Any]:
        return self.desk.application(self.application_id)

    def notification(self, agency: Agency) -> Notification:
        store = NotificationStore(self.desk.cloud.table("Applications"))
        far = (datetime.now(UTC) + timedelta(days=3650)).strftime("%Y-%m-%dT%H:%M:%SZ")
        (found,) = [n for n in store.due(by=far)
                    if n.agency == agency and n.application_id == self.application_id]  # fmt: skip
        return found


@pytest.fixture(scope="module")
def hooks() -> Iterator[LocalCloud]:
    cloud = LocalCloud.start(context=WEBHOOK_CONTEXT, stack_name="hooks")
    yield cloud
    cloud.stop()


def _run(hooks: LocalCloud, modes: dict[Agency, str] | None = None) -> Scenario:
    """A person held by all seven agencies (onetrip's records: the mirror agencies' copies
    and the webhook agencies' holding index; each simulator's own store) changes surname."""
    sims = in_process_simulators(hooks)
    for agency, mode in (modes or {}).items():
        sims[agency].mode = mode
    desk = IdentityDesk(hooks)
    person = desk.register()
    records = desk.seed_records(person)
    for agency, sim in sims.items():
        sim.seed(dict(records[agency]))
    application = desk.change(person, {"surname": "欧阳"})
    report = hooks.deliver()
    assert not report.errors, report.errors[0]
    return Scenario(desk, sims, person, application["applicationId"], report)


@pytest.fixture(scope="module")
def completed(hooks: LocalCloud) -> Scenario:
    return _run(hooks)


@pytest.fixture(scope="module")
def left_open(hooks: LocalCloud) -> Scenario:
    """Water's system down (its notification stays open), gas's acknowledging wrongly."""
    return _run(hooks, {Agency.WATER: "down", Agency.GAS: "wrong"})


def _ack(hooks: LocalCloud, agency: Agency, notification_id: str, body: Any) -> Any:
    return hooks.api(
        "POST",
        f"/agencies/{agency}/changes/{notification_id}/ack",
        body=body,
        claims=claims("agency", agency=agency),
    )


def _pull(hooks: LocalCloud, path_agency: str, caller: str, notification_id: str) -> Any:
    return hooks.api(
        "POST",
        f"/agencies/{path_agency}/changes/lookup",
        body={"notificationId": notification_id},
        claims=claims("agency", agency=caller),
    )


# -- the healthy path ------------------------------------------------------------------------


def test_webhook_agencies_pull_apply_and_ack_and_the_application_completes(
    completed: Scenario,
) -> None:
    done = completed.application()
    assert done["status"] == "completed"
    assert completed.desk.links(done) == dict.fromkeys((a.value for a in Agency), "applied")
    # each simulator's store equals the registry in the fields it holds
    registry = completed.desk.person(completed.person["personId"])
    for agency, sim in completed.sims.items():
        record = sim.records[registry["idNumber"]]
        held = AGENCY_FIELDS[agency]
        assert {f: record[f] for f in held} == {f: registry[f] for f in held}
        assert [status for status, _ in sim.acks] == [200]
    # and the timeline shows `notified` and `acknowledged` per webhook agency
    events = [entry["event"] for entry in done["timeline"]]
    for agency in WEBHOOK_AGENCIES:
        assert events.count(f"notified:{agency}") == 1
        assert events.count(f"acknowledged:{agency}") == 1


def test_a_notification_carries_ids_and_field_names_only(completed: Scenario) -> None:
    registry = completed.desk.person(completed.person["personId"])
    for agency, sim in completed.sims.items():
        (payload,) = sim.received
        assert set(payload) == NOTIFICATION_KEYS
        assert payload["applicationId"] == completed.application_id
        assert payload["agency"] == agency.value
        assert payload["changedFields"] == ["surname"]
        assert payload["registryVersion"] == registry["version"]
        text = repr(payload)
        for value in (registry["surname"], registry["givenName"], registry["idNumber"]):
            assert value not in text


def test_every_pull_lands_in_the_citizens_activity_log(completed: Scenario) -> None:
    entries = ActivityLog(completed.desk.cloud.table("Registry")).of_person(
        completed.person["personId"]
    )
    pulls = {entry["party"]: entry for entry in entries}
    assert set(pulls) == {a.value for a in WEBHOOK_AGENCIES}
    assert pulls["water"]["partyKind"] == "agency"
    assert pulls["water"]["type"] == "linked_update_pull"
    assert pulls["water"]["claims"] == sorted(["surname", "givenName", "idNumber",
                                               "formerIdNumbers"])  # fmt: skip
    assert pulls["water"]["result"] == "disclosed"
    assert "欧阳" not in repr(entries) and completed.person["idNumber"] not in repr(entries)
    # And the citizen reads them in their activity log (GET /credentials/activity)
    citizen = claims("citizen", idNumber=completed.person["idNumber"])
    shown = completed.desk.cloud.api("GET", "/credentials/activity", claims=citizen).json
    assert {(e["party"], e["type"], e["result"], e["reference"]) for e in shown} == {
        (e["party"], "linked_update_pull", "disclosed", e["reference"]) for e in entries
    }


# -- bad input and security -------------------------------------------------------------------


def test_the_pull_gives_exactly_the_held_fields_and_the_former_numbers(
    hooks: LocalCloud, left_open: Scenario
) -> None:
    pulled = _pull(hooks, "water", "water", left_open.notification(Agency.WATER).notification_id)
    assert pulled.status == 200, pulled.json
    assert set(pulled.json) == {"notificationId", "idNumber", "formerIdNumbers", "surname",
                                "givenName"}  # fmt: skip
    assert pulled.json["surname"] == "欧阳"
    assert pulled.json["idNumber"] == left_open.person["idNumber"]


def test_an_agency_pulling_another_agencys_notification_gets_404(
    hooks: LocalCloud, left_open: Scenario
) -> None:
    water_notification = left_open.notification(Agency.WATER).notification_id
    assert _pull(hooks, "gas", "gas", water_notification).status == 404


def test_an_unknown_notification_gets_404(hooks: LocalCloud, left_open: Scenario) -> None:
    assert _pull(hooks, "water", "water", "ntf_unknown").status == 404
    assert _ack(hooks, Agency.WATER, "ntf_unknown", {"result": "applied"}).status == 404


def test_an_agency_using_another_agencys_path_gets_403(
    hooks: LocalCloud, left_open: Scenario
) -> None:
    water_notification = left_open.notification(Agency.WATER).notification_id
    assert _pull(hooks, "water", "gas", water_notification).status == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"result": "done"}, "result"),
        ({}, "result"),
        ({"result": "applied", "note": "x"}, "note"),
        ({"result": "failed"}, "error"),
        ({"result": "applied", "reference": ""}, "reference"),
    ],
)
def test_a_malformed_ack_is_422_naming_the_field_and_changes_nothing(
    hooks: LocalCloud, left_open: Scenario, body: dict[str, Any], field: str
) -> None:
    notification = left_open.notification(Agency.WATER)
    result = _ack(hooks, Agency.WATER, notification.notification_id, body)
    assert result.status == 422, result.json
    assert result.headers["content-type"].startswith("application/problem+json")
    assert field in [error["field"] for error in result.json["errors"]]
    assert left_open.desk.links(left_open.application())["water"] == "notified"


def test_a_wrong_agency_system_is_refused_and_the_update_stays_open(left_open: Scenario) -> None:
    assert [status for status, _ in left_open.sims[Agency.GAS].acks] == [422]
    shown = left_open.application()
    assert left_open.desk.links(shown)["gas"] == "notified"
    assert shown["status"] == "applying"


# -- crash and outage (last: their sweeps also remind the scenarios above) ------------------


def test_an_ack_that_dies_before_the_completion_check_is_completed_by_its_retry(
    hooks: LocalCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    from onetrip.logic import agency_changes

    # Given water's notification open and every other linked update settled
    scenario = _run(hooks, {Agency.WATER: "down"})
    notification = scenario.notification(Agency.WATER).notification_id
    # When the ack commits but its function dies before the completion check
    real = agency_changes.complete_if_final
    monkeypatch.setattr(agency_changes, "complete_if_final", _dies)
    assert _ack(hooks, Agency.WATER, notification, {"result": "applied"}).status == 500
    monkeypatch.setattr(agency_changes, "complete_if_final", real)
    assert scenario.application()["status"] == "applying"
    # Then the agency's retry is told 409 (settled), and the application completes
    retried = _ack(hooks, Agency.WATER, notification, {"result": "not_applicable"})
    assert retried.status == 409, retried.json
    done = scenario.application()
    assert done["status"] == "completed"
    assert scenario.desk.links(done)["water"] == "applied"
    # and a settled notification's data is no longer shared
    assert _pull(hooks, "water", "water", notification).status == 409


def _dies(*_: Any) -> None:
    raise RuntimeError("the function died here")


def test_an_endpoint_down_loses_nothing_reminds_after_the_deadline_and_then_completes(
    hooks: LocalCloud,
) -> None:
    # Given water's system is down while the change is applied
    scenario = _run(hooks, {Agency.WATER: "down"})
    water = scenario.sims[Agency.WATER]
    # Then EventBridge's retries are used up and the delivery is dead-lettered,
    (destination,) = [k for k in scenario.report.failures
                      if k.startswith("api-destination:") and "Water" in k]  # fmt: skip
    assert scenario.report.failures[destination] == 9  # 1 + MaximumRetryAttempts 8
    dlq = hooks.boto("sqs").receive_message(QueueUrl=hooks.queue_url("WaterWebhookDeadLetters"),
                                             MaxNumberOfMessages=10)  # fmt: skip
    assert dlq.get("Messages"), "the undelivered notification is in the webhook DLQ"
    # but the linked update waits, notified (nothing lost, nothing failed)
    waiting = scenario.application()
    assert waiting["status"] == "applying"
    assert scenario.desk.links(waiting)["water"] == "notified"
    # When water is back and the sweep runs before the deadline: nothing is re-sent
    water.mode = "up"
    assert hooks.fire_schedule("AcknowledgementSweep", datetime.now(UTC)) == {"reminded": 0}
    # When the deadline has passed: one reminder, freshly signed, and water catches up
    late = datetime.now(UTC) + timedelta(minutes=ACK_DEADLINE_MINUTES + 1)
    assert hooks.fire_schedule("AcknowledgementSweep", late)["reminded"] >= 1
    hooks.deliver()
    done = scenario.application()
    assert done["status"] == "completed"
    assert scenario.desk.links(done)["water"] == "applied"
    events = [entry["event"] for entry in done["timeline"]]
    assert events.count("reminded:water") == 1
    registry = scenario.desk.person(scenario.person["personId"])
    assert water.records[registry["idNumber"]]["surname"] == registry["surname"]
