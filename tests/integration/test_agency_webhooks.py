"""Agencies with their own systems (issue 10): water and gas in `webhook` mode, the rest
`mirror`. Notification → signature → pull → apply → ack, over the emulated API
destinations, with simulated agency systems (onetrip_local.agency_sim) plugged in.

Expected values come from API.md ("Agencies with their own systems") and the registry.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from onetrip.routing import Agency
from onetrip_local.agency_sim import AgencySimulator
from onetrip_local.harness import LocalCloud

from tests.builders import AGENCY_FIELDS, OPS, claims
from tests.integration.identity_flow import IdentityDesk
from tests.webhooks import (
    ACK_DEADLINE_MINUTES,
    WEBHOOK_AGENCIES,
    WEBHOOK_CONTEXT,
    in_process_simulators,
)

NOTIFICATION_KEYS = {
    "notificationId",
    "applicationId",
    "agency",
    "changedFields",
    "registryVersion",
}


@pytest.fixture(scope="module")
def hooks() -> Iterator[LocalCloud]:
    cloud = LocalCloud.start(context=WEBHOOK_CONTEXT, stack_name="hooks")
    yield cloud
    cloud.stop()


@pytest.fixture
def sims(hooks: LocalCloud) -> dict[Agency, AgencySimulator]:
    return in_process_simulators(hooks)


def _seed(desk: IdentityDesk, sims: dict[Agency, AgencySimulator]) -> dict[str, Any]:
    """A person held by every agency: in onetrip's records (the mirror agencies' copies,
    and the webhook agencies' holding index) and in each simulator's own store."""
    person = desk.register()
    records = desk.seed_records(person)
    for agency, sim in sims.items():
        sim.seed(dict(records[agency]))
    return person


def _changed(hooks: LocalCloud, sims: dict[Agency, AgencySimulator]) -> tuple[Any, ...]:
    desk = IdentityDesk(hooks)
    person = _seed(desk, sims)
    application = desk.change(person, {"surname": "欧阳"})
    return desk, person, application


def _ack(hooks: LocalCloud, agency: Agency, notification_id: str, body: Any) -> Any:
    return hooks.api(
        "POST",
        f"/agencies/{agency}/changes/{notification_id}/ack",
        body=body,
        claims=claims("agency", agency=agency),
    )


def test_webhook_agencies_pull_apply_and_ack_and_the_application_completes(
    hooks: LocalCloud, sims: dict[Agency, AgencySimulator]
) -> None:
    # Given a person held by all seven agencies, water and gas with their own systems
    desk, person, application = _changed(hooks, sims)
    # When the linked updates run (consumers, signer, API destinations, simulators)
    report = hooks.deliver()
    # Then every linked update is applied and the application completed
    assert not report.errors, report.errors[0]
    done = desk.application(application["applicationId"])
    assert done["status"] == "completed"
    assert desk.links(done) == dict.fromkeys((a.value for a in Agency), "applied")
    # and each simulator's store equals the registry in the fields it holds
    registry = desk.person(person["personId"])
    for agency, sim in sims.items():
        (record,) = [r for r in sim.records.values() if r["reference"].startswith(agency.value)
                     and r["idNumber"] == registry["idNumber"]]  # fmt: skip
        assert {f: record[f] for f in AGENCY_FIELDS[agency]} == {
            f: registry[f] for f in AGENCY_FIELDS[agency]
        }
        assert sim.acks[-1][0] == 200
    # and the timeline shows `notified` and `acknowledged` per webhook agency
    events = [entry["event"] for entry in done["timeline"]]
    for agency in WEBHOOK_AGENCIES:
        assert events.count(f"notified:{agency}") == 1
        assert events.count(f"acknowledged:{agency}") == 1


def test_a_notification_carries_ids_and_field_names_only(
    hooks: LocalCloud, sims: dict[Agency, AgencySimulator]
) -> None:
    desk, person, application = _changed(hooks, sims)
    hooks.deliver()
    registry = desk.person(person["personId"])
    for agency, sim in sims.items():
        payload = sim.received[-1]
        assert set(payload) == NOTIFICATION_KEYS
        assert payload["applicationId"] == application["applicationId"]
        assert payload["agency"] == agency.value
        assert payload["changedFields"] == ["surname"]
        assert payload["registryVersion"] == registry["version"]
        text = repr(payload)
        for value in (registry["surname"], registry["givenName"], registry["idNumber"]):
            assert value not in text


def test_every_pull_lands_in_the_citizens_activity_log(
    hooks: LocalCloud, sims: dict[Agency, AgencySimulator]
) -> None:
    from onetrip.dal.activity import ActivityLog

    _, person, _ = _changed(hooks, sims)
    hooks.deliver()
    entries = ActivityLog(hooks.table("Registry")).of_person(person["personId"])
    pulls = {entry["party"]: entry for entry in entries}
    assert set(pulls) == {a.value for a in WEBHOOK_AGENCIES}
    assert pulls["water"]["partyKind"] == "agency"
    assert pulls["water"]["type"] == "linked_update_pull"
    assert pulls["water"]["claims"] == sorted(["surname", "givenName", "idNumber",
                                               "formerIdNumbers"])  # fmt: skip
    assert pulls["water"]["result"] == "disclosed"
    assert "王" not in repr(entries) and person["idNumber"] not in repr(entries)


def _open_notification(hooks: LocalCloud, sims: dict[Agency, AgencySimulator]) -> str:
    """A water notification left unacknowledged (water's system is down)."""
    sims[Agency.WATER].mode = "down"
    _changed(hooks, sims)
    hooks.deliver()
    sims[Agency.WATER].mode = "up"
    from onetrip.dal.agency_notifications import NotificationStore

    store = NotificationStore(hooks.table("Applications"))
    far = (datetime.now(UTC) + timedelta(days=3650)).strftime("%Y-%m-%dT%H:%M:%SZ")
    open_ones = [n for n in store.due(by=far) if n.agency == "water"]
    return open_ones[-1].notification_id


def test_the_pull_gives_exactly_the_held_fields_and_the_former_numbers(
    hooks: LocalCloud, sims: dict[Agency, AgencySimulator]
) -> None:
    notification = _open_notification(hooks, sims)
    pulled = hooks.api(
        "POST", "/agencies/water/changes/lookup", body={"notificationId": notification},
        claims=claims("agency", agency="water"),
    )  # fmt: skip
    assert pulled.status == 200, pulled.json
    assert set(pulled.json) == {"notificationId", "idNumber", "formerIdNumbers", "surname",
                                "givenName"}  # fmt: skip
    assert pulled.json["surname"] == "欧阳"


def test_an_agency_pulling_another_agencys_notification_gets_404(
    hooks: LocalCloud, sims: dict[Agency, AgencySimulator]
) -> None:
    notification = _open_notification(hooks, sims)
    pulled = hooks.api(
        "POST", "/agencies/gas/changes/lookup", body={"notificationId": notification},
        claims=claims("agency", agency="gas"),
    )  # fmt: skip
    assert pulled.status == 404, pulled.json


def test_an_agency_using_another_agencys_path_gets_403(
    hooks: LocalCloud, sims: dict[Agency, AgencySimulator]
) -> None:
    notification = _open_notification(hooks, sims)
    pulled = hooks.api(
        "POST", "/agencies/water/changes/lookup", body={"notificationId": notification},
        claims=claims("agency", agency="gas"),
    )  # fmt: skip
    assert pulled.status == 403, pulled.json


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
    hooks: LocalCloud, sims: dict[Agency, AgencySimulator], body: dict[str, Any], field: str
) -> None:
    notification = _open_notification(hooks, sims)
    result = _ack(hooks, Agency.WATER, notification, body)
    assert result.status == 422, result.json
    assert result.headers["content-type"].startswith("application/problem+json")
    assert field in [error["field"] for error in result.json["errors"]]
    again = _ack(hooks, Agency.WATER, notification, {"result": "applied"})
    assert again.status == 200, again.json


def test_an_ack_for_a_settled_linked_update_is_409(
    hooks: LocalCloud, sims: dict[Agency, AgencySimulator]
) -> None:
    notification = _open_notification(hooks, sims)
    first = _ack(hooks, Agency.WATER, notification, {"result": "not_applicable"})
    assert first.status == 200, first.json
    second = _ack(hooks, Agency.WATER, notification, {"result": "applied"})
    assert second.status == 409, second.json
    pulled = hooks.api(
        "POST", "/agencies/water/changes/lookup", body={"notificationId": notification},
        claims=claims("agency", agency="water"),
    )  # fmt: skip
    assert pulled.status == 409, pulled.json


def test_an_endpoint_down_loses_nothing_reminds_after_the_deadline_and_then_completes(
    hooks: LocalCloud, sims: dict[Agency, AgencySimulator]
) -> None:
    # Given water's system is down while the change is applied
    water = sims[Agency.WATER]
    water.mode = "down"
    desk, person, application = _changed(hooks, sims)
    report = hooks.deliver()
    # Then EventBridge's retries are used up and the delivery is dead-lettered,
    assert report.failures["api-destination:" + _destination(hooks, "Water")] >= 2
    dlq = hooks.boto("sqs").receive_message(QueueUrl=hooks.queue_url("WaterWebhookDeadLetters"),
                                             MaxNumberOfMessages=10)  # fmt: skip
    assert dlq.get("Messages"), "the undelivered notification is in the webhook DLQ"
    # but the linked update waits, notified (nothing lost, nothing failed)
    waiting = desk.application(application["applicationId"])
    assert waiting["status"] == "applying"
    assert desk.links(waiting)["water"] == "notified"
    # When water is back and the sweep runs before the deadline: nothing is re-sent
    water.mode = "up"
    early = hooks.fire_schedule("AcknowledgementSweep", datetime.now(UTC))
    assert early == {"reminded": 0}
    # When the deadline has passed: one reminder, freshly signed, and water catches up
    late = datetime.now(UTC) + timedelta(minutes=ACK_DEADLINE_MINUTES + 1)
    assert hooks.fire_schedule("AcknowledgementSweep", late)["reminded"] >= 1
    hooks.deliver()
    done = desk.application(application["applicationId"])
    assert done["status"] == "completed"
    assert desk.links(done)["water"] == "applied"
    assert "reminded:water" in [entry["event"] for entry in done["timeline"]]
    ids = [r["idNumber"] for r in water.records.values()]
    assert desk.person(person["personId"])["idNumber"] in ids


def test_a_wrong_agency_system_leaves_the_update_open_and_ops_see_it(
    hooks: LocalCloud, sims: dict[Agency, AgencySimulator]
) -> None:
    sims[Agency.GAS].mode = "wrong"
    desk, _, application = _changed(hooks, sims)
    hooks.deliver()
    assert sims[Agency.GAS].acks[-1][0] == 422
    shown = hooks.api("GET", f"/identity-changes/{application['applicationId']}", claims=OPS)
    assert desk.links(shown.json)["gas"] == "notified"
    assert shown.json["status"] == "applying"


def _destination(hooks: LocalCloud, name: str) -> str:
    (found,) = [lid for lid in hooks.topology.api_destinations if f"{name}ApiDestination" in lid]
    return found


def test_an_ack_that_dies_before_the_completion_check_is_completed_by_its_retry(
    hooks: LocalCloud, sims: dict[Agency, AgencySimulator], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the other six linked updates settled and water's notification open
    notification = _open_notification(hooks, sims)
    from onetrip.dal.agency_notifications import NotificationStore
    from onetrip.logic import agency_changes

    found = NotificationStore(hooks.table("Applications")).get(notification)
    assert found is not None
    application_id = found.application_id
    # When the ack commits but its function dies before the completion check
    real = agency_changes.complete_if_final
    monkeypatch.setattr(agency_changes, "complete_if_final", _dies)
    died = _ack(hooks, Agency.WATER, notification, {"result": "applied"})
    assert died.status == 500
    monkeypatch.setattr(agency_changes, "complete_if_final", real)
    desk = IdentityDesk(hooks)
    assert desk.application(application_id)["status"] == "applying"
    # Then the agency's retry is told 409, and the application completes all the same
    retried = _ack(hooks, Agency.WATER, notification, {"result": "applied"})
    assert retried.status == 409, retried.json
    assert desk.application(application_id)["status"] == "completed"


def _dies(*_: Any) -> None:
    raise RuntimeError("the function died here")
