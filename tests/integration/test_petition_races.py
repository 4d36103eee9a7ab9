"""Petition races, on moto with the synthesized workflow: the extension against the task
opener (both orders, as deterministic interleavings), completions of one task on real
threads, a completion between the reminder sweep's read and its write, and overlapping
sweeps. Each reminder and each transition is recorded once.

The logic is called directly with the functions' own stores: the in-process HTTP harness
runs one invocation at a time, so racing through it would prove nothing.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from onetrip.api.auth import Caller, Role
from onetrip.domain.petition import ExtensionRequest
from onetrip.errors import Conflict
from onetrip.handlers import wiring
from onetrip.logic import petitions as petition_logic
from onetrip.logic.petition_ports import PetitionStores
from onetrip.logic.reminders import sweep
from onetrip.logic.tasks import OpenTaskRequest, complete_task, open_task
from onetrip.settings import Settings

from tests.integration.racing import AfterFirstRead, race
from tests.integration.test_petition_extension import _accepted_days_ago, _stored_task
from tests.support.petitions import PETITION_OFFICE, EventTap, PetitionDesk

LEADER = Caller(sub="leader-race", roles=frozenset({Role.LEADER}))
OFFICE = Caller(sub="office-race", roles=frozenset({Role.PETITION_OFFICE}))
TRIAGE = {"accepted": True, "summary": "属公安职权", "handlingUnit": "海曙分局"}


@pytest.fixture
def desk(cloud: Any) -> PetitionDesk:
    return PetitionDesk(cloud)


@pytest.fixture
def stores(cloud: Any) -> PetitionStores:
    """What TasksApi is built from (petitions, tasks with the outbox, the workflow)."""
    return wiring.petition_workflow(Settings.model_validate(cloud.env_for("TasksApi")))


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _iso(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _take_task_message(cloud: Any, petition_id: str, step: str) -> OpenTaskRequest:
    """Take the workflow's message for the step off the task queue, undelivered (others'
    messages go back at once)."""
    sqs, url = cloud.boto("sqs"), cloud.queue_url("PetitionTaskQueue")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for message in sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1
        ).get("Messages", []):
            body = json.loads(message["Body"])
            if body["petitionId"] == petition_id and body["step"] == step:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                return OpenTaskRequest.model_validate(body)
            sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
    raise AssertionError(f"no {step} message for {petition_id}")


def _rectification_about_to_open(desk: PetitionDesk, cloud: Any) -> tuple[str, OpenTaskRequest]:
    """A case accepted 45 days ago (conclusion due in 15 days) whose rectification, given
    20 days, is about to open: capped by the conclusion deadline."""
    pid = desk.register()["petitionId"]
    desk.triage(pid)
    _accepted_days_ago(cloud, pid, 45)
    desk.review(pid, "enforcement_review")
    desk.instruct(pid)
    return pid, _take_task_message(cloud, pid, "rectification")


def _extend_by_3(cloud: Any, petition_id: str) -> None:
    result = cloud.api(
        "POST",
        f"/petitions/{petition_id}/extension",
        body={"days": 3, "reason": "案情复杂"},
        claims={"sub": "leader-user", "cognito:groups": ["leader"]},
    )
    assert result.status == 200, result.json


def _assert_task_due_at(desk: PetitionDesk, cloud: Any, task_id: str, due: str) -> None:
    """The task, its step entry and its place in the sweep all follow `due`."""
    stored = _stored_task(cloud, task_id)
    assert stored["dueAt"] == due
    opened = _instant(stored["openedAt"])
    assert stored["remindAt"] == _iso(opened + (_instant(due) - opened) / 2)
    petition = desk.petition(stored["petitionId"])
    (entry,) = [s for s in petition["steps"] if s["taskId"] == task_id]
    assert entry["dueAt"] == due


def test_an_extension_committed_while_a_task_opens_moves_that_task(
    desk: PetitionDesk, cloud: Any, stores: PetitionStores
) -> None:
    # Given a capped rectification about to open
    pid, request = _rectification_about_to_open(desk, cloud)
    old_due = desk.petition(pid)["conclusionDueAt"]

    # When the leader's extension commits after the opener read the petition, before it wrote
    petitions = AfterFirstRead(stores.petitions, "get", partial(_extend_by_3, cloud, pid))
    open_task(petitions, stores.tasks, request, datetime.now(UTC))

    # Then the task is capped by the new deadline, not the one the opener first read
    assert petitions.fired
    new_due = _iso(_instant(old_due) + timedelta(days=3))
    assert desk.petition(pid)["conclusionDueAt"] == new_due
    _assert_task_due_at(desk, cloud, f"{pid}.rectification.0", new_due)


def test_a_task_opened_while_an_extension_is_computed_moves_with_it(
    desk: PetitionDesk, cloud: Any, stores: PetitionStores
) -> None:
    # Given a capped rectification about to open
    pid, request = _rectification_about_to_open(desk, cloud)
    old_due = desk.petition(pid)["conclusionDueAt"]
    now = datetime.now(UTC)

    # When the opener commits after the extension read the petition, before it wrote
    opener = partial(open_task, stores.petitions, stores.tasks, request, now)
    petitions = AfterFirstRead(stores.petitions, "get", opener)
    extended = petition_logic.extend(
        petitions, stores.tasks, LEADER, pid, ExtensionRequest(days=3, reason="案情复杂"), now
    )

    # Then the extension saw the new task and moved it with the deadline
    assert petitions.fired
    new_due = _iso(_instant(old_due) + timedelta(days=3))
    assert extended["conclusionDueAt"] == new_due
    _assert_task_due_at(desk, cloud, f"{pid}.rectification.0", new_due)


def test_racing_completions_of_one_task_complete_it_once(
    desk: PetitionDesk, cloud: Any, stores: PetitionStores
) -> None:
    # Given an open triage task
    pid = desk.register()["petitionId"]
    task_id = desk.wait_for_task(pid, "triage")["taskId"]

    # When eight clerks complete it at the same instant
    complete = partial(complete_task, stores.tasks, stores.workflow, OFFICE, task_id, TRIAGE)
    outcomes = race([partial(complete, datetime.now(UTC)) for _ in range(8)])

    # Then one completion stands and seven are conflicts (409)
    assert [type(o) for o in outcomes].count(dict) == 1, outcomes
    assert [type(o) for o in outcomes if not isinstance(o, dict)] == [Conflict] * 7
    # And the workflow moved on once: one enforcement review, entered once
    desk.wait_for_task(pid, "enforcement_review")
    time.sleep(0.3)
    assert not cloud.deliver(wait_seconds=0.2).errors
    steps = [s["step"] for s in desk.petition(pid)["steps"]]
    assert steps == ["triage", "enforcement_review"]
    assert desk.entered_states(pid).count("EnforcementReview") == 1


def _reminder_kinds(cloud: Any, task_id: str) -> list[str]:
    """The reminder items of the task (one per reminder ever recorded)."""
    items = cloud.boto("dynamodb").query(
        TableName=cloud.table("Tasks"),
        KeyConditionExpression="pk = :pk AND begins_with(sk, :r)",
        ExpressionAttributeValues={":pk": {"S": f"TASK#{task_id}"}, ":r": {"S": "REMINDER#"}},
        ConsistentRead=True,
    )["Items"]
    return sorted(item["kind"]["S"] for item in items)


def test_a_completion_between_the_sweeps_read_and_its_write_gets_no_reminder(
    desk: PetitionDesk, cloud: Any, stores: PetitionStores
) -> None:
    # Given an open triage task at 85 % of its time, and a tap on the bus
    pid = desk.register()["petitionId"]
    entry = desk.wait_for_task(pid, "triage")
    opened, due = _instant(entry["openedAt"]), _instant(entry["dueAt"])
    tap = EventTap(cloud)

    # When the task is completed after the sweep read it as open, before it wrote
    def complete() -> None:
        assert desk.complete(entry["taskId"], TRIAGE, PETITION_OFFICE).status == 200

    tasks = AfterFirstRead(stores.tasks, "due_for_reminder", complete)
    sweep(tasks, opened + (due - opened) * 0.85)

    # Then the completed task has no reminder, no event, and is out of the sweep's index
    assert tasks.fired
    stored = _stored_task(cloud, entry["taskId"])
    assert stored["status"] == "completed"
    assert "remindAt" not in stored and "openShard" not in stored
    assert _reminder_kinds(cloud, entry["taskId"]) == []
    assert tap.events_for(entry["taskId"]) == []


def test_overlapping_sweeps_record_and_publish_each_reminder_once(
    desk: PetitionDesk, cloud: Any, stores: PetitionStores
) -> None:
    # Given an open triage task, and a tap on the bus
    pid = desk.register()["petitionId"]
    entry = desk.wait_for_task(pid, "triage")
    due = _instant(entry["dueAt"])
    tap = EventTap(cloud)

    # When four sweeps run at once a day after it was due (every reminder up to escalation)
    late = due + timedelta(days=1, hours=1)
    race([partial(sweep, stores.tasks, late) for _ in range(4)])

    # Then each reminder is recorded once, on the task and as its own item, published once
    expected = ["due", "eighty", "escalated", "half", "overdue"]
    stored = stores.tasks.get(entry["taskId"])
    assert stored is not None
    assert sorted(r["kind"] for r in stored["reminders"]) == expected
    assert _reminder_kinds(cloud, entry["taskId"]) == expected
    published = tap.events_for(entry["taskId"])
    assert sorted(kind or "escalated" for _, kind in published) == expected
    assert [t for t, _ in published].count("TaskEscalated") == 1
    assert stored["escalated"] is True
