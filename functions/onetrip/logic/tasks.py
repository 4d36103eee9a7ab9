"""Human tasks of the petition workflow: opening one when the workflow waits at a step,
completing it (which resumes the workflow), and the caller's worklist (待办)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from aws_lambda_powertools import Logger
from pydantic import BaseModel, ConfigDict, Field

from onetrip import metrics
from onetrip.clock import iso, parse_instant
from onetrip.domain import deadlines
from onetrip.domain.access import Caller, Role
from onetrip.domain.petition import (
    LEADER,
    MAX_REWORK_ROUNDS,
    AccountabilityCompletion,
    ConclusionCompletion,
    LeaderInstructionCompletion,
    PerformanceReviewCompletion,
    PetitionChanges,
    PetitionStatus,
    PetitionStep,
    ReviewCompletion,
    TaskStatus,
    TriageCompletion,
    parse_completion,
    task_id_for,
    workflow_output,
)
from onetrip.errors import Conflict, Forbidden, NotFound
from onetrip.events import EventDetail, PetitionClosed, PetitionProgressed
from onetrip.logic.petition_ports import Petitions, Tasks, WorkflowEngine

logger = Logger()

# Roles that complete steps and so have a worklist (the step decides which one may).
WORKERS = (Role.PETITION_OFFICE, Role.LEADER, Role.LEADING_GROUP, Role.HANDLING_UNIT)


class OpenTaskRequest(BaseModel):
    """The workflow's message for one step (ids only): sent by the state machine."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    petition_id: str = Field(alias="petitionId", min_length=1)
    step: PetitionStep
    attempt: int = Field(default=0, ge=0)
    task_token: str = Field(alias="taskToken", min_length=1)


def open_task(
    petitions: Petitions, tasks: Tasks, request: OpenTaskRequest, now: datetime
) -> dict[str, Any]:
    """Write the task for (petition, step, attempt) once; a redelivered message is a no-op."""
    task_id = task_id_for(request.petition_id, request.step, request.attempt)
    existing = tasks.get(task_id)
    if existing is not None:
        logger.info("task already open", extra={"taskId": task_id})
        return existing
    petition = petitions.get(request.petition_id)
    if petition is None:
        # Retried by SQS, then dead-lettered: a workflow without its petition is a defect.
        raise LookupError(f"petition {request.petition_id} not found")
    step = request.step
    unit = petition.get("handlingUnit") if step.is_unit_step else None
    due_at = deadlines.step_due(
        step,
        now,
        acceptance_due_at=parse_instant(petition["acceptanceDueAt"]),
        conclusion_due_at=parse_instant(petition["conclusionDueAt"]),
        attempt=request.attempt,
        due_days=petition.get("rectificationDueDays"),
    )
    opened, due = iso(now), iso(due_at)
    task: dict[str, Any] = {
        "taskId": task_id,
        "petitionId": request.petition_id,
        "step": step.value,
        "attempt": request.attempt,
        "role": step.role,
        "assignee": unit or step.role,
        "unit": unit,
        "status": TaskStatus.OPEN.value,
        "openedAt": opened,
        "dueAt": due,
        "token": request.task_token,
        "assigneeKey": f"UNIT#{unit}" if unit else f"ROLE#{step.role}",
        "remindAt": iso(deadlines.next_reminder_at(now, due_at, now)),
        "reminders": [],
        "escalated": False,
    }
    entry = {
        "step": step.value,
        "status": TaskStatus.OPEN.value,
        "taskId": task_id,
        "attempt": request.attempt,
        "openedAt": opened,
        "dueAt": due,
    }
    created = tasks.open(task, entry)
    logger.info("task opened", extra={"taskId": task_id, "newTask": created})
    return task


def complete_task(
    tasks: Tasks,
    workflow: WorkflowEngine,
    caller: Caller,
    task_id: str,
    body: Any,
    now: datetime,
) -> dict[str, Any]:
    """Record the step's outcome on the petition, then let the workflow go on."""
    task = tasks.get(task_id)
    if task is None:
        raise NotFound(detail="No such task.")
    step = PetitionStep(task["step"])
    if not caller.has(Role(step.role)):
        raise Forbidden(detail=f"The {step.value} step is completed by the role {step.role}.")
    if step.is_unit_step and caller.unit != task.get("unit"):
        raise Forbidden(detail="This task belongs to another handling unit.")
    if task["status"] != TaskStatus.OPEN.value:
        _repair_resume(tasks, workflow, task, now)
        raise Conflict(detail="This task is already completed.")
    completion = parse_completion(step, body)

    at = iso(now)
    outcome = completion.outcome()
    output = workflow_output(step, completion)
    changes, closed_as = _petition_changes(task, completion, now)
    changes.step_fields = {
        "status": "completed",
        "completedAt": at,
        "completedBy": caller.sub,
        "outcome": outcome,
    }
    completed = tasks.complete(
        task_id,
        petition_id=task["petitionId"],
        completed_at=at,
        completed_by=caller.sub,
        outcome=outcome,
        output=output,
        changes=changes,
        events=_announced(task["petitionId"], step, closed_as),
    )
    if closed_as:
        metrics.count(_CLOSING_METRICS[closed_as])
    # Only after the commit: a second completion is refused above and never resumes.
    if not workflow.resume(task["token"], output):
        # Recorded all the same: the execution timed out or was stopped by ops.
        logger.warning("workflow no longer waits for the task", extra={"taskId": task_id})
    tasks.mark_resumed(task_id, at)
    logger.info("task completed", extra={"taskId": task_id, "step": step.value})
    return task_view(completed, now)


# The steps whose completion the petitioner waits for (and is told about, besides the
# case's closing): accepted at triage, and the reply at conclusion (docs/decisions.md).
_PETITIONER_MILESTONES: dict[PetitionStep, Literal["accepted", "replied"]] = {
    PetitionStep.TRIAGE: "accepted",
    PetitionStep.CONCLUSION: "replied",
}

_CLOSING_METRICS = {
    PetitionStatus.CLOSED.value: metrics.Metric.PETITIONS_CLOSED,
    PetitionStatus.NOT_ACCEPTED.value: metrics.Metric.PETITIONS_NOT_ACCEPTED,
}


def _announced(petition_id: str, step: PetitionStep, closed_as: str | None) -> list[EventDetail]:
    """What a completion announces (through the outbox, in its transaction): the case's
    end, or a milestone the petitioner waits for (a refusal at triage is the end)."""
    if closed_as:
        return [PetitionClosed(petition_id=petition_id, status=closed_as)]  # type: ignore[arg-type]
    milestone = _PETITIONER_MILESTONES.get(step)
    return [PetitionProgressed(petition_id=petition_id, milestone=milestone)] if milestone else []


def _repair_resume(
    tasks: Tasks, workflow: WorkflowEngine, task: dict[str, Any], now: datetime
) -> None:
    """A completion whose SendTaskSuccess failed (committed, then the call errored) left
    the workflow waiting: resend the recorded output once, so the case can move on."""
    if task.get("resumedAt") or not task.get("workflowOutput"):
        return
    logger.warning("resuming a completed task again", extra={"taskId": task["taskId"]})
    resumed = workflow.resume(task["token"], task["workflowOutput"])
    logger.info("resume repaired", extra={"taskId": task["taskId"], "resumed": resumed})
    tasks.mark_resumed(task["taskId"], iso(now))


def _petition_changes(
    task: dict[str, Any], completion: Any, now: datetime
) -> tuple[PetitionChanges, str | None]:
    """What this completion changes on the petition, and the final status if it ends it."""
    at = iso(now)
    sets: dict[str, Any] = {}
    evaluation: dict[str, Any] | None = None
    add_rework = False
    closed_as: str | None = None
    step = PetitionStep(task["step"])
    if isinstance(completion, TriageCompletion):
        if completion.accepted:
            sets["handlingUnit"] = completion.handling_unit
            sets["acceptedAt"] = at
            sets["conclusionDueAt"] = iso(deadlines.conclusion_due(now))
        else:
            closed_as = PetitionStatus.NOT_ACCEPTED.value
            sets["notAcceptedReason"] = completion.reason
    elif isinstance(completion, ReviewCompletion):
        kind = step.evaluation
        assert kind is not None
        evaluation = {
            "kind": kind.value,
            "scores": completion.scores.model_dump(by_alias=True),
            "passed": completion.passed,
            "findings": completion.findings,
            "taskId": task["taskId"],
            "at": at,
        }
        if step is PetitionStep.TRACKING_REVIEW and not completion.passed:
            if int(task.get("attempt", 0)) < MAX_REWORK_ROUNDS:
                add_rework = True
            else:
                # The workflow goes on to conclusion; the case carries the mark.
                sets["reworkLimitReached"] = True
        if (
            isinstance(completion, PerformanceReviewCompletion)
            and completion.petitioner_satisfaction
        ):
            sets["satisfaction"] = completion.petitioner_satisfaction
    elif isinstance(completion, LeaderInstructionCompletion):
        sets["handlingUnit"] = completion.handling_unit
        if completion.due_days:
            sets["rectificationDueDays"] = completion.due_days
    elif isinstance(completion, ConclusionCompletion):
        sets["resolution"] = completion.resolution.value
        sets["repliedAt"] = at
    elif isinstance(completion, AccountabilityCompletion):
        closed_as = PetitionStatus.CLOSED.value
    if closed_as:
        sets |= {"status": closed_as, "statusKey": f"STATUS#{closed_as}", "closedAt": at}
    changes = PetitionChanges(
        task_id=task["taskId"],
        step_fields={},
        sets=sets,
        evaluation=evaluation,
        add_rework=add_rework,
    )
    return changes, closed_as


def worklist(tasks: Tasks, caller: Caller, now: datetime) -> list[dict[str, Any]]:
    """待办: open tasks of the caller's roles (a handling unit: its own unit's), plus
    escalated tasks for leaders; earliest due first."""
    keys: list[str] = []
    for role in (Role.PETITION_OFFICE, Role.LEADER, Role.LEADING_GROUP):
        if caller.has(role):
            keys.append(f"ROLE#{role.value}")
    if caller.has(Role.HANDLING_UNIT) and caller.unit:
        keys.append(f"UNIT#{caller.unit}")
    if not keys and not caller.has(Role.HANDLING_UNIT):
        caller.require(*WORKERS)
    found: dict[str, dict[str, Any]] = {}
    for key in keys:
        for task in tasks.open_for(key):
            found[task["taskId"]] = task
    if caller.has(Role.LEADER):
        for task in tasks.escalated_to(f"ROLE#{LEADER}"):
            found[task["taskId"]] = task
    ordered = sorted(found.values(), key=lambda t: (t["dueAt"], t["taskId"]))
    return [task_view(t, now) for t in ordered]


def task_view(task: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The Task of API.md (never the task token)."""
    is_open = task["status"] == TaskStatus.OPEN.value
    view: dict[str, Any] = {
        "taskId": task["taskId"],
        "petitionId": task["petitionId"],
        "step": task["step"],
        "role": task["role"],
        "assignee": task["assignee"],
        "status": task["status"],
        "attempt": task.get("attempt", 0),
        "openedAt": task["openedAt"],
        "dueAt": task["dueAt"],
        "overdue": is_open and iso(now) > task["dueAt"],
        "escalated": bool(task.get("escalated")),
        "reminders": [{"at": r["at"], "kind": r["kind"]} for r in task.get("reminders") or []],
    }
    for key in ("completedAt", "completedBy", "outcome"):
        if task.get(key) is not None:
            view[key] = task[key]
    return view
