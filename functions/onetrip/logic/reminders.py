"""The reminder sweep (催办/督办): every 15 minutes, as of the scheduled instant.

Each reminder is a conditional write keyed by (taskId, kind, ordinal), so a rerun or two
overlapping sweeps record it once and publish it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aws_lambda_powertools import Logger

from onetrip.domain import deadlines
from onetrip.domain.petition import LEADER, ReminderKind, iso, parse_instant
from onetrip.events import EventDetail, TaskEscalated, TaskReminder
from onetrip.logic.petition_ports import Publisher, Tasks

logger = Logger()


@dataclass(frozen=True)
class SweepResult:
    tasks: int
    recorded: int
    escalated: int


def sweep(tasks: Tasks, publisher: Publisher, now: datetime) -> SweepResult:
    events: list[EventDetail] = []
    seen = escalated = 0
    for task in tasks.due_for_reminder(iso(now)):
        seen += 1
        task_id, petition_id, step = task["taskId"], task["petitionId"], task["step"]
        opened_at, due_at = parse_instant(task["openedAt"]), parse_instant(task["dueAt"])
        for reminder in deadlines.schedule(opened_at, due_at, now):
            is_escalation = reminder.kind is ReminderKind.ESCALATED
            recorded = tasks.record_reminder(
                task_id,
                {"at": iso(reminder.at), "kind": reminder.kind.value, "ordinal": reminder.ordinal},
                escalate_to=LEADER if is_escalation else None,
            )
            if not recorded:
                continue
            if is_escalation:
                escalated += 1
                events.append(
                    TaskEscalated(
                        task_id=task_id, petition_id=petition_id, step=step, escalated_to=LEADER
                    )
                )
            else:
                events.append(
                    TaskReminder(
                        task_id=task_id,
                        petition_id=petition_id,
                        step=step,
                        kind=reminder.kind.value,  # type: ignore[arg-type]
                        ordinal=reminder.ordinal,
                    )
                )
        tasks.set_next_reminder(task_id, iso(deadlines.next_reminder_at(opened_at, due_at, now)))
    publisher.publish(events)
    result = SweepResult(tasks=seen, recorded=len(events), escalated=escalated)
    logger.info("reminder sweep", extra={"now": iso(now), **result.__dict__})
    return result
