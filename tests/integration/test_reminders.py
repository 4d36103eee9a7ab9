"""The reminder sweep (催办/督办) on moto, fired from the synthesized schedule."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.builders import instant
from tests.support.petitions import (
    LEADER,
    PETITION_OFFICE,
    EventTap,
    PetitionDesk,
)


@pytest.fixture
def desk(cloud: Any) -> PetitionDesk:
    return PetitionDesk(cloud)


def _task(cloud: Any, task_id: str, who: dict[str, Any]) -> dict[str, Any]:
    listed = cloud.api("GET", "/tasks?status=open", claims=who)
    assert listed.status == 200, listed.json
    return next(t for t in listed.json if t["taskId"] == task_id)


def test_a_sweep_run_twice_at_the_same_instant_records_each_reminder_once(
    desk: PetitionDesk, cloud: Any
) -> None:
    # Given an open triage task, and a tap on the bus
    pid = desk.register()["petitionId"]
    entry = desk.wait_for_task(pid, "triage")
    opened, due = instant(entry["openedAt"]), instant(entry["dueAt"])
    tap = EventTap(cloud)

    # When the sweep runs at 85 % of the task's time, twice, and once more at the same point
    at = opened + (due - opened) * 0.85
    cloud.fire_schedule("ReminderSweep", at)
    cloud.fire_schedule("ReminderSweep", at)

    # Then the half-way and 80 % reminders are recorded once each, and published once each
    task = _task(cloud, entry["taskId"], PETITION_OFFICE)
    assert [r["kind"] for r in task["reminders"]] == ["half", "eighty"]
    assert task["overdue"] is False
    assert sorted(tap.events_for(entry["taskId"])) == [
        ("TaskReminder", "eighty"),
        ("TaskReminder", "half"),
    ]

    # And at the due instant only the "due" reminder is added (schedules fire on whole
    # seconds: the first one at or after dueAt)
    on_time = due.replace(microsecond=0) + timedelta(seconds=1)
    cloud.fire_schedule("ReminderSweep", on_time)
    cloud.fire_schedule("ReminderSweep", on_time)
    task = _task(cloud, entry["taskId"], PETITION_OFFICE)
    assert [r["kind"] for r in task["reminders"]] == ["half", "eighty", "due"]
    assert tap.events_for(entry["taskId"]) == [("TaskReminder", "due")]


def test_an_overdue_task_is_escalated_to_the_leader_once(desk: PetitionDesk, cloud: Any) -> None:
    # Given an open triage task
    pid = desk.register()["petitionId"]
    entry = desk.wait_for_task(pid, "triage")
    due = instant(entry["dueAt"])
    tap = EventTap(cloud)

    # When the sweep first runs a day and an hour after it was due, and again a day later
    late = due + timedelta(days=1, hours=1)
    cloud.fire_schedule("ReminderSweep", late)
    cloud.fire_schedule("ReminderSweep", late)
    cloud.fire_schedule("ReminderSweep", late + timedelta(days=1))

    # Then every reminder so far is recorded once, the escalation once, overdue once a day
    task = _task(cloud, entry["taskId"], PETITION_OFFICE)
    kinds = [r["kind"] for r in task["reminders"]]
    assert kinds == ["half", "eighty", "due", "overdue", "escalated", "overdue"]
    # ("overdue" in the view is as of the real clock, which has not reached dueAt)
    assert task["escalated"] is True
    published = tap.events_for(entry["taskId"])
    assert published.count(("TaskEscalated", "")) == 1
    assert published.count(("TaskReminder", "overdue")) == 2

    # And the leader now sees the task on their worklist
    assert _task(cloud, entry["taskId"], LEADER)["escalated"] is True

    # And once completed, the task leaves the sweep: no more reminders
    body = {"accepted": True, "handlingUnit": "海曙分局", "summary": "受理"}
    assert desk.complete(entry["taskId"], body, PETITION_OFFICE).status == 200
    cloud.fire_schedule("ReminderSweep", late + timedelta(days=2))
    assert not tap.events_for(entry["taskId"])
