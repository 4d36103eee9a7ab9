"""延期 moves the open task the old conclusion deadline capped: its dueAt, its step entry,
the worklist and its place in the reminder sweep follow the new deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.builders import instant
from tests.support.petitions import (
    HANDLING_UNIT,
    LEADER,
    PETITION_OFFICE,
    EventTap,
    PetitionDesk,
)


@pytest.fixture
def desk(cloud: Any) -> PetitionDesk:
    return PetitionDesk(cloud)


def _iso(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _accepted_days_ago(cloud: Any, petition_id: str, days: int) -> str:
    """The API clock cannot be set: move the acceptance (and the conclusion deadline that
    runs from it) back in the table, as for a case accepted `days` ago. Returns the new
    conclusionDueAt."""
    accepted = datetime.now(UTC) - timedelta(days=days)
    due = _iso(accepted + timedelta(days=60))
    cloud.boto("dynamodb").update_item(
        TableName=cloud.table("Petitions"),
        Key={"pk": {"S": f"PETITION#{petition_id}"}, "sk": {"S": "PETITION"}},
        UpdateExpression="SET acceptedAt = :a, conclusionDueAt = :d",
        ExpressionAttributeValues={":a": {"S": _iso(accepted)}, ":d": {"S": due}},
    )
    return due


def _capped_rectification(desk: PetitionDesk, cloud: Any) -> tuple[str, dict[str, Any], str]:
    """A case accepted 45 days ago whose rectification (dueDays 20) opens now: capped at
    the conclusion deadline, 15 days away."""
    pid = desk.register()["petitionId"]
    desk.triage(pid)
    conclusion_due = _accepted_days_ago(cloud, pid, 45)
    desk.review(pid, "enforcement_review")
    desk.instruct(pid)
    entry = desk.wait_for_task(pid, "rectification")
    assert entry["dueAt"] == conclusion_due  # capped by the statute, not the 20 days
    return pid, entry, conclusion_due


def _extend(cloud: Any, petition_id: str, days: int) -> dict[str, Any]:
    result = cloud.api(
        "POST",
        f"/petitions/{petition_id}/extension",
        body={"days": days, "reason": "案情复杂，需补充调查"},
        claims=LEADER,
    )
    assert result.status == 200, result.json
    return dict(result.json)


def _open_task(cloud: Any, task_id: str, who: dict[str, Any]) -> dict[str, Any]:
    listed = cloud.api("GET", "/tasks?status=open", claims=who)
    assert listed.status == 200, listed.json
    return next(t for t in listed.json if t["taskId"] == task_id)


def _step(petition: dict[str, Any], task_id: str) -> dict[str, Any]:
    return next(s for s in petition["steps"] if s["taskId"] == task_id)


def _stored_task(cloud: Any, task_id: str) -> dict[str, Any]:
    item = cloud.boto("dynamodb").get_item(
        TableName=cloud.table("Tasks"),
        Key={"pk": {"S": f"TASK#{task_id}"}, "sk": {"S": "TASK"}},
        ConsistentRead=True,
    )["Item"]
    return {k: v.get("S") for k, v in item.items()}


def test_a_task_capped_by_the_old_deadline_moves_to_the_new_one(
    desk: PetitionDesk, cloud: Any
) -> None:
    # Given an open rectification task whose dueAt is the conclusion deadline
    pid, entry, old_due = _capped_rectification(desk, cloud)
    task_id = entry["taskId"]

    # When the leader extends the deadline by 3 days
    extended = _extend(cloud, pid, 3)

    # Then the task is due at the new deadline (inside its own 20 days), everywhere
    new_due = _iso(instant(old_due) + timedelta(days=3))
    assert extended["conclusionDueAt"] == new_due and extended["extended"] is True
    assert _step(extended, task_id)["dueAt"] == new_due
    assert _step(desk.petition(pid), task_id)["dueAt"] == new_due
    assert _open_task(cloud, task_id, HANDLING_UNIT)["dueAt"] == new_due
    # And its next reminder (the sweep index) is half-way to the new dueAt
    stored = _stored_task(cloud, task_id)
    opened = instant(entry["openedAt"])
    assert stored["remindAt"] == _iso(opened + (instant(new_due) - opened) / 2)

    # And a second extension is still refused, and changes nothing
    again = cloud.api(
        "POST", f"/petitions/{pid}/extension", body={"days": 5, "reason": "再次"}, claims=LEADER
    )
    assert again.status == 409
    assert _open_task(cloud, task_id, HANDLING_UNIT)["dueAt"] == new_due


def test_a_task_due_well_before_the_deadline_keeps_its_due_date(
    desk: PetitionDesk, cloud: Any
) -> None:
    # Given an accepted case with its enforcement review open (5 days of 60)
    pid = desk.register()["petitionId"]
    desk.triage(pid)
    entry = desk.wait_for_task(pid, "enforcement_review")
    before = desk.petition(pid)

    # When the leader extends the deadline by 30 days
    extended = _extend(cloud, pid, 30)

    # Then the deadline moves, the task does not
    assert extended["conclusionDueAt"] == _iso(
        instant(before["conclusionDueAt"]) + timedelta(days=30)
    )
    assert _step(extended, entry["taskId"])["dueAt"] == entry["dueAt"]
    assert _open_task(cloud, entry["taskId"], PETITION_OFFICE)["dueAt"] == entry["dueAt"]
    stored = _stored_task(cloud, entry["taskId"])
    assert stored["dueAt"] == entry["dueAt"]


def test_after_an_extension_the_sweep_follows_the_new_due_date(
    desk: PetitionDesk, cloud: Any
) -> None:
    # Given a capped rectification task already reminded at 50 % and 80 % of its old time
    pid, entry, old_due = _capped_rectification(desk, cloud)
    task_id = entry["taskId"]
    opened, old = instant(entry["openedAt"]), instant(old_due)
    cloud.fire_schedule("ReminderSweep", opened + (old - opened) * 0.85)
    assert [r["kind"] for r in _open_task(cloud, task_id, HANDLING_UNIT)["reminders"]] == [
        "half",
        "eighty",
    ]
    tap = EventTap(cloud)

    # When the leader extends by 3 days, and the sweep runs a day and an hour after the old
    # due date (when the old schedule would have escalated), and again
    _extend(cloud, pid, 3)
    between = old + timedelta(days=1, hours=1)
    cloud.fire_schedule("ReminderSweep", between)
    cloud.fire_schedule("ReminderSweep", between)

    # Then nothing is due, overdue or escalated, and no reminder is recorded twice
    task = _open_task(cloud, task_id, HANDLING_UNIT)
    assert [r["kind"] for r in task["reminders"]] == ["half", "eighty"]
    assert task["escalated"] is False
    assert tap.events_for(task_id) == []
    leader_list = cloud.api("GET", "/tasks?status=open", claims=LEADER).json
    assert task_id not in {t["taskId"] for t in leader_list}

    # And at the new due date the "due" reminder comes, once
    new_due = instant(task["dueAt"])
    on_time = new_due.replace(microsecond=0) + timedelta(seconds=1)
    cloud.fire_schedule("ReminderSweep", on_time)
    cloud.fire_schedule("ReminderSweep", on_time)
    task = _open_task(cloud, task_id, HANDLING_UNIT)
    assert [r["kind"] for r in task["reminders"]] == ["half", "eighty", "due"]
    assert tap.events_for(task_id) == [("TaskReminder", "due")]
