"""The reminder sweep (催办/督办): every 15 minutes, as of the scheduled instant.

Each reminder is a conditional write keyed by (taskId, kind, ordinal), with its event in
the same transaction (outbox), so a rerun or two overlapping sweeps record and publish
it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aws_lambda_powertools import Logger

from onetrip import metrics
from onetrip.domain import deadlines
from onetrip.domain.deadlines import Reminder
from onetrip.domain.petition import LEADER, ReminderKind, iso, parse_instant
from onetrip.events import EventDetail, TaskEscalated, TaskReminder
from onetrip.logic.petition_ports import Tasks

logger = Logger()


@dataclass(frozen=True)
class SweepResult:
    tasks: int
    recorded: int
    escalated: int


def sweep(tasks: Tasks, now: datetime) -> SweepResult:
    seen = recorded = escalated = 0
    for task in tasks.due_for_reminder(iso(now)):
        seen += 1
        opened_at, due_at = parse_instant(task["openedAt"]), parse_instant(task["dueAt"])
        for reminder in deadlines.schedule(opened_at, due_at, now):
            is_escalation = reminder.kind is ReminderKind.ESCALATED
            if tasks.record_reminder(
                task["taskId"],
                {"at": iso(reminder.at), "kind": reminder.kind.value, "ordinal": reminder.ordinal},
                escalate_to=LEADER if is_escalation else None,
                event=_event(task, reminder),
            ):
                recorded += 1
                escalated += is_escalation
                _count(reminder.kind)
        next_at = deadlines.next_reminder_at(opened_at, due_at, now)
        tasks.set_next_reminder(task["taskId"], iso(next_at))
    result = SweepResult(tasks=seen, recorded=recorded, escalated=escalated)
    logger.info("reminder sweep", extra={"now": iso(now), **result.__dict__})
    return result


def _count(kind: ReminderKind) -> None:
    metrics.count(metrics.Metric.REMINDERS_SENT, kind=kind.value)
    if kind is ReminderKind.DUE:  # recorded once per task, when its deadline passes
        metrics.count(metrics.Metric.TASKS_OVERDUE)


def _event(task: dict[str, str], reminder: Reminder) -> EventDetail:
    ids = {"task_id": task["taskId"], "petition_id": task["petitionId"], "step": task["step"]}
    if reminder.kind is ReminderKind.ESCALATED:
        return TaskEscalated(**ids, escalated_to=LEADER)
    return TaskReminder(**ids, kind=reminder.kind.value, ordinal=reminder.ordinal)  # type: ignore[arg-type]
