"""The Tasks table: one item per human task of the petition workflow, plus its reminders.

Keys: pk = TASK#<taskId>; sk = TASK for the task, REMINDER#<kind>#<ordinal> for each
reminder (the conditional put on that key is what makes a reminder happen once).
GSIs, sparse (their keys are removed when the task completes, so only open tasks are in):
- byAssignee (assigneeKey = ROLE#<role> | UNIT#<unit>, dueAt): worklists;
- openByReminder (openShard = OPEN#<0-9>, remindAt = when its next reminder falls due):
  the reminder sweep queries `remindAt <= now` per shard, no scan; ten shards keep a
  burst of openings off one partition;
- byEscalation (escalationKey = ROLE#leader, dueAt): escalated tasks on the leader's list.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pynamodb.exceptions import UpdateError

from onetrip.dal.models import OutboxEvent, TransactionCancelled, Write, bound, document, transact
from onetrip.dal.models.petitions import PetitionItem, TaskItem, TaskReminderItem
from onetrip.dal.outbox import Outbox
from onetrip.dal.petitions import petition_update
from onetrip.domain.petition import PetitionChanges
from onetrip.errors import Conflict, StaleRead
from onetrip.events import EventDetail

OPEN_SHARDS = 10
_SK = "TASK"


def _pk(task_id: str) -> str:
    return f"TASK#{task_id}"


def open_shard(task_id: str) -> str:
    return f"OPEN#{zlib.crc32(task_id.encode()) % OPEN_SHARDS}"


def role_key(role: str) -> str:
    return f"ROLE#{role}"


class TaskStore:
    """Events announcing a change (reminders, a closed petition) go into the outbox in the
    change's own transaction and are published after commit; the outbox relay publishes
    what a crash left behind, so none is lost."""

    def __init__(
        self, tasks_table: str, petitions_table: str, outbox: Outbox | None = None
    ) -> None:
        self.model = bound(TaskItem, tasks_table)
        self.reminders = bound(TaskReminderItem, tasks_table)
        self.petitions = bound(PetitionItem, petitions_table)
        self.outbox = outbox

    def _with_events(
        self, writes: list[Write], events: Sequence[EventDetail]
    ) -> tuple[list[Write], list[OutboxEvent]]:
        if not events or self.outbox is None:
            return writes, []
        entries = [self.outbox.entry(event) for event in events]
        return writes + [write for write, _ in entries], [item for _, item in entries]

    def _publish(self, items: list[OutboxEvent]) -> None:
        if items and self.outbox is not None:
            self.outbox.publish_quietly(items)

    def open(
        self, task: Mapping[str, Any], step_entry: Mapping[str, Any], *, conclusion_due_at: str
    ) -> bool:
        """Write the task and its entry on the petition; False if it was already open
        (a redelivered message), in which case nothing changes. StaleRead if the
        petition's conclusionDueAt is no longer the one the task's dueAt was capped by."""
        task_id = task["taskId"]
        item = self.model.from_record(
            {**task, "pk": _pk(task_id), "openShard": open_shard(task_id)}
        )
        petitions = self.petitions
        try:
            transact(
                [
                    Write.put("task", item, self.model.pk.does_not_exist()),
                    Write.update(
                        "petition",
                        petitions(f"PETITION#{task['petitionId']}", "PETITION"),
                        [
                            petitions.steps[task_id].set(document(dict(step_entry))),
                            petitions.current_step.set(task["step"]),
                        ],
                        petitions.pk.exists() & (petitions.conclusion_due_at == conclusion_due_at),
                    ),
                ]
            )
        except TransactionCancelled as cancelled:
            if cancelled.codes.get("task") == "ConditionalCheckFailed":
                return False
            if cancelled.codes.get("petition") == "ConditionalCheckFailed":
                raise StaleRead(detail="The conclusion deadline moved; read it again.") from None
            raise
        return True

    def get(self, task_id: str) -> dict[str, Any] | None:
        try:
            return self.model.get(_pk(task_id), _SK, consistent_read=True).to_record()
        except self.model.DoesNotExist:
            return None

    def complete(
        self,
        task_id: str,
        *,
        petition_id: str,
        completed_at: str,
        completed_by: str,
        outcome: Mapping[str, Any],
        output: Mapping[str, Any],
        changes: PetitionChanges,
        events: Sequence[EventDetail] = (),
    ) -> dict[str, Any]:
        """Mark the task completed and record its outcome on the petition, atomically;
        Conflict if the task is no longer open (completed twice, or concurrently).
        `output` is what the workflow gets, kept until it has been sent."""
        model = self.model
        task_update = Write.update(
            "task",
            model(_pk(task_id), _SK),
            [
                model.status.set("completed"),
                model.completed_at.set(completed_at),
                model.completed_by.set(completed_by),
                model.outcome.set(dict(outcome)),
                model.workflow_output.set(dict(output)),
                # Out of the sparse indexes: only open tasks are listed, swept, escalated.
                model.assignee_key.remove(),
                model.open_shard.remove(),
                model.remind_at.remove(),
                model.escalation_key.remove(),
            ],
            model.status == "open",
        )
        petition = petition_update(
            self.petitions,
            petition_id,
            sets=changes.sets,
            step=(changes.task_id, changes.step_fields),
            append_evaluation=changes.evaluation,
            add_rework=changes.add_rework,
        )
        writes, outbox_items = self._with_events([task_update, petition], events)
        try:
            transact(writes)
        except TransactionCancelled as cancelled:
            if cancelled.codes.get("task") == "ConditionalCheckFailed":
                raise Conflict(detail="This task is already completed.") from None
            raise
        self._publish(outbox_items)
        task = self.get(task_id)
        assert task is not None
        return task

    def mark_resumed(self, task_id: str, at: str) -> None:
        """The workflow has its output: a later completion attempt has nothing to repair."""
        self.model(_pk(task_id), _SK).update([self.model.resumed_at.set(at)])

    def open_for(self, assignee_key: str) -> Iterator[dict[str, Any]]:
        for item in self.model.by_assignee.query(assignee_key):
            yield item.to_record()

    def escalated_to(self, escalation_key: str) -> Iterator[dict[str, Any]]:
        for item in self.model.by_escalation.query(escalation_key):
            yield item.to_record()

    def ever_escalated(self) -> Iterator[tuple[str, str]]:
        """(petitionId, taskId) of every task ever escalated (a Scan: the scoreboard
        rebuild only, never a request)."""
        for item in self.model.scan(self.model.escalated == True):  # noqa: E712 - a condition
            yield item.petition_id, item.task_id

    def due_for_reminder(self, now: str) -> Iterator[dict[str, Any]]:
        for shard in range(OPEN_SHARDS):
            due = self.model.remind_at <= now
            for item in self.model.open_by_reminder.query(f"OPEN#{shard}", due):
                yield item.to_record()

    def record_reminder(
        self,
        task_id: str,
        reminder: Mapping[str, Any],
        *,
        escalate_to: str | None = None,
        event: EventDetail | None = None,
    ) -> bool:
        """Record one reminder on an open task (and its event); False if it was already
        recorded (another sweep got there first) or the task has been completed meanwhile."""
        model = self.model
        kind, ordinal = reminder["kind"], int(reminder["ordinal"])
        record = self.reminders.from_record(
            {"pk": _pk(task_id), "sk": f"REMINDER#{kind}#{ordinal:04d}", **reminder}
        )
        actions = [model.reminders.set((model.reminders | []).append(document([dict(reminder)])))]
        if escalate_to:
            actions += [
                model.escalated.set(True),
                model.escalation_key.set(role_key(escalate_to)),
            ]
        writes, outbox_items = self._with_events(
            [
                Write.put("reminder", record, self.reminders.pk.does_not_exist()),
                Write.update("task", model(_pk(task_id), _SK), actions, model.status == "open"),
            ],
            [event] if event else [],
        )
        try:
            transact(writes)
        except TransactionCancelled as cancelled:
            if cancelled.condition_failed:
                return False
            raise
        self._publish(outbox_items)
        return True

    def set_next_reminder(self, task_id: str, remind_at: str) -> None:
        """Move the task's place in the sweep index; a no-op once it is completed."""
        model = self.model
        try:
            model(_pk(task_id), _SK).update(
                [model.remind_at.set(remind_at)], condition=model.status == "open"
            )
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
