"""Completing a task with in-memory fakes: roles, units, 409, and the resume repair."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest
from onetrip.domain.access import Caller
from onetrip.domain.petition import PetitionChanges
from onetrip.errors import Conflict, Forbidden, InvalidInput
from onetrip.events import EventDetail, PetitionClosed, PetitionProgressed
from onetrip.logic.tasks import complete_task

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
OFFICE = Caller(sub="office-1", roles=frozenset({"petition_office"}))
UNIT_A = Caller(sub="unit-a", roles=frozenset({"handling_unit"}), unit="A")
UNIT_B = Caller(sub="unit-b", roles=frozenset({"handling_unit"}), unit="B")
GROUP = Caller(sub="group-1", roles=frozenset({"leading_group"}))


class FakeTasks:
    def __init__(self, *tasks: dict[str, Any]) -> None:
        self.items = {t["taskId"]: dict(t) for t in tasks}
        self.changes: list[PetitionChanges] = []
        self.events: list[EventDetail] = []

    def get(self, task_id: str) -> dict[str, Any] | None:
        item = self.items.get(task_id)
        return dict(item) if item else None

    def complete(self, task_id: str, **kwargs: Any) -> dict[str, Any]:
        task = self.items[task_id]
        if task["status"] != "open":
            raise Conflict(detail="already completed")
        task |= {"status": "completed", "completedAt": kwargs["completed_at"],
                 "outcome": kwargs["outcome"], "workflowOutput": kwargs["output"]}  # fmt: skip
        self.changes.append(kwargs["changes"])
        self.events.extend(kwargs.get("events", []))
        return dict(task)

    def mark_resumed(self, task_id: str, at: str) -> None:
        self.items[task_id]["resumedAt"] = at

    def open_for(self, assignee_key: str) -> Iterator[dict[str, Any]]:
        yield from ()


class FakeWorkflow:
    def __init__(self, fail_first: bool = False) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.fail_first = fail_first

    def resume(self, task_token: str, output: Mapping[str, Any]) -> bool:
        if self.fail_first:
            self.fail_first = False
            raise ConnectionError("network down")
        self.sent.append((task_token, dict(output)))
        return True


def _task(step: str, unit: str | None = None, attempt: int = 0) -> dict[str, Any]:
    role = {"rectification": "handling_unit", "conclusion": "handling_unit",
            "accountability": "leading_group"}.get(step, "petition_office")  # fmt: skip
    return {
        "taskId": f"p1.{step}.{attempt}",
        "petitionId": "p1",
        "step": step,
        "attempt": attempt,
        "role": role,
        "assignee": unit or role,
        "unit": unit,
        "status": "open",
        "openedAt": "2026-03-01T00:00:00.000Z",
        "dueAt": "2026-03-06T00:00:00.000Z",
        "token": f"token-{step}-{attempt}",
    }


REVIEW = {"scores": {"handling": 1, "implementation": 2, "replyQuality": 3}, "findings": "x"}


def _complete(tasks: FakeTasks, workflow: FakeWorkflow, who: Caller, task_id: str, body: Any):
    return complete_task(tasks, workflow, who, task_id, body, NOW)


def test_a_failed_tracking_review_asks_for_rework_until_the_limit() -> None:
    tasks = FakeTasks(_task("tracking_review", attempt=1), _task("tracking_review", attempt=2))
    workflow = FakeWorkflow()

    _complete(tasks, workflow, OFFICE, "p1.tracking_review.1", {**REVIEW, "passed": False})
    _complete(tasks, workflow, OFFICE, "p1.tracking_review.2", {**REVIEW, "passed": False})

    first, last = tasks.changes
    assert first.add_rework and "reworkLimitReached" not in first.sets
    assert not last.add_rework and last.sets["reworkLimitReached"] is True
    assert [output for _, output in workflow.sent] == [{"passed": False}, {"passed": False}]
    assert first.evaluation and first.evaluation["kind"] == "tracking"


def test_only_the_assigned_unit_completes_its_task() -> None:
    tasks = FakeTasks(_task("rectification", unit="A"))
    with pytest.raises(Forbidden):
        _complete(tasks, FakeWorkflow(), UNIT_B, "p1.rectification.0", {"actions": "x"})
    with pytest.raises(Forbidden):
        _complete(tasks, FakeWorkflow(), OFFICE, "p1.rectification.0", {"actions": "x"})
    _complete(tasks, FakeWorkflow(), UNIT_A, "p1.rectification.0", {"actions": "x"})


def test_a_bad_body_is_refused_before_anything_is_written() -> None:
    tasks, workflow = FakeTasks(_task("conclusion", unit="A")), FakeWorkflow()
    with pytest.raises(InvalidInput) as caught:
        _complete(tasks, workflow, UNIT_A, "p1.conclusion.0", {"reply": "x", "resolution": "?"})
    assert [e.field for e in caught.value.errors] == ["resolution"]
    assert not tasks.changes and not workflow.sent


def test_accountability_closes_the_case_and_publishes_it() -> None:
    tasks = FakeTasks(_task("accountability"))
    body = {"required": False, "findings": "无"}
    _complete(tasks, FakeWorkflow(), GROUP, "p1.accountability.0", body)
    (change,) = tasks.changes
    assert change.sets["status"] == "closed" and change.sets["statusKey"] == "STATUS#closed"
    assert tasks.events == [PetitionClosed(petition_id="p1", status="closed")]


LEADER = Caller(sub="leader-1", roles=frozenset({"leader"}))
# Each step's completion and what the petitioner is told (信访工作条例 2022: whether the
# petition is accepted, the written reply, the end of the case); the rest is internal
# (the extension, told too, is no step: tests/integration/test_petition_workflow.py).
TOLD = [
    ("triage", OFFICE, {"accepted": True, "handlingUnit": "A", "summary": "x"},
     [PetitionProgressed(petition_id="p1", milestone="accepted")]),
    ("triage", OFFICE, {"accepted": False, "handlingUnit": "A", "summary": "x", "reason": "y"},
     [PetitionClosed(petition_id="p1", status="not_accepted")]),
    ("enforcement_review", OFFICE, {**REVIEW, "passed": True}, []),
    ("leader_instruction", LEADER, {"instruction": "x", "handlingUnit": "A"}, []),
    ("rectification", UNIT_A, {"actions": "x"}, []),
    ("tracking_review", OFFICE, {**REVIEW, "passed": False}, []),
    ("conclusion", UNIT_A, {"reply": "x", "resolution": "resolved"},
     [PetitionProgressed(petition_id="p1", milestone="replied")]),
    ("performance_review", OFFICE, {**REVIEW, "passed": True, "petitionerSatisfaction": 4}, []),
    ("accountability", GROUP, {"required": False, "findings": "x"},
     [PetitionClosed(petition_id="p1", status="closed")]),
]  # fmt: skip


@pytest.mark.parametrize(("step", "who", "body", "announced"), TOLD, ids=lambda v: str(v)[:20])
def test_a_completion_announces_what_the_petitioner_waits_for(
    step: str, who: Caller, body: dict[str, Any], announced: list[EventDetail]
) -> None:
    role = {"leader_instruction": "leader"}.get(step)
    task = _task(step, unit="A" if who is UNIT_A else None) | ({"role": role} if role else {})
    tasks = FakeTasks(task)

    _complete(tasks, FakeWorkflow(), who, task["taskId"], body)

    assert tasks.events == announced


def test_a_second_completion_is_a_conflict_and_does_not_resume_again() -> None:
    tasks, workflow = FakeTasks(_task("enforcement_review")), FakeWorkflow()
    body = {**REVIEW, "passed": True}
    _complete(tasks, workflow, OFFICE, "p1.enforcement_review.0", body)

    with pytest.raises(Conflict):
        _complete(tasks, workflow, OFFICE, "p1.enforcement_review.0", body)
    assert len(workflow.sent) == 1


def test_a_resume_lost_after_commit_is_repaired_by_the_next_attempt() -> None:
    # Given a completion committed whose SendTaskSuccess failed
    tasks, workflow = FakeTasks(_task("enforcement_review")), FakeWorkflow(fail_first=True)
    body = {**REVIEW, "passed": True}
    with pytest.raises(ConnectionError):
        _complete(tasks, workflow, OFFICE, "p1.enforcement_review.0", body)

    # When the clerk tries again: 409 (it is recorded), and the workflow gets its output once
    with pytest.raises(Conflict):
        _complete(tasks, workflow, OFFICE, "p1.enforcement_review.0", body)
    with pytest.raises(Conflict):
        _complete(tasks, workflow, OFFICE, "p1.enforcement_review.0", body)
    assert workflow.sent == [("token-enforcement_review-0", {"passed": True})]
