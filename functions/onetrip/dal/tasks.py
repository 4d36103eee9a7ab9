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

from botocore.exceptions import ClientError

from onetrip.dal import dynamo
from onetrip.dal.aws import client
from onetrip.dal.models import OutboxEvent
from onetrip.dal.outbox import Outbox
from onetrip.dal.petitions import petition_key, petition_update
from onetrip.dal.transact import operation
from onetrip.domain.petition import PetitionChanges
from onetrip.errors import Conflict
from onetrip.events import EventDetail

BY_ASSIGNEE = "byAssignee"
OPEN_BY_REMINDER = "openByReminder"
BY_ESCALATION = "byEscalation"
OPEN_SHARDS = 10
_SK = "TASK"


def task_key(task_id: str) -> dict[str, Any]:
    return dynamo.to_item({"pk": f"TASK#{task_id}", "sk": _SK})


def open_shard(task_id: str) -> str:
    return f"OPEN#{zlib.crc32(task_id.encode()) % OPEN_SHARDS}"


def role_key(role: str) -> str:
    return f"ROLE#{role}"


def unit_key(unit: str) -> str:
    return f"UNIT#{unit}"


def _cancelled_by_condition(error: ClientError, index: int) -> bool:
    reasons = dynamo.cancellation_reasons(error)
    return len(reasons) > index and reasons[index] == "ConditionalCheckFailed"


class TaskStore:
    """Events announcing a change (reminders, a closed petition) go into the outbox in the
    change's own transaction and are published after commit; the outbox relay publishes
    what a crash left behind, so none is lost."""

    def __init__(
        self,
        tasks_table: str,
        petitions_table: str,
        outbox: Outbox | None = None,
        ddb: Any = None,
    ) -> None:
        self.table = tasks_table
        self.petitions_table = petitions_table
        self.outbox = outbox
        self._ddb = ddb

    def _with_events(
        self, operations: list[dict[str, Any]], events: Sequence[EventDetail]
    ) -> tuple[list[dict[str, Any]], list[OutboxEvent]]:
        if not events or self.outbox is None:
            return operations, []
        entries = [self.outbox.entry(event) for event in events]
        return operations + [operation(write) for write, _ in entries], [i for _, i in entries]

    def _publish(self, items: list[OutboxEvent]) -> None:
        if items and self.outbox is not None:
            self.outbox.publish_quietly(items)

    @property
    def ddb(self) -> Any:
        return self._ddb or client("dynamodb")

    def open(self, task: Mapping[str, Any], step_entry: Mapping[str, Any]) -> bool:
        """Write the task and its entry on the petition; False if it was already open
        (a redelivered message), in which case nothing changes."""
        task_id = task["taskId"]
        item = {
            **task,
            "pk": f"TASK#{task_id}",
            "sk": _SK,
            "openShard": open_shard(task_id),
        }
        try:
            self.ddb.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self.table,
                            "Item": dynamo.to_item(item),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {
                        "Update": {
                            "TableName": self.petitions_table,
                            "Key": petition_key(task["petitionId"]),
                            "UpdateExpression": "SET #steps.#tid = :entry, currentStep = :step",
                            "ConditionExpression": "attribute_exists(pk)",
                            "ExpressionAttributeNames": {"#steps": "steps", "#tid": task_id},
                            "ExpressionAttributeValues": dynamo.values(
                                {":entry": dict(step_entry), ":step": task["step"]}
                            ),
                        }
                    },
                ]
            )
        except ClientError as error:
            if _cancelled_by_condition(error, 0):
                return False
            raise
        return True

    def get(self, task_id: str) -> dict[str, Any] | None:
        response = self.ddb.get_item(
            TableName=self.table, Key=task_key(task_id), ConsistentRead=True
        )
        item = response.get("Item")
        return dynamo.from_item(item) if item else None

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
        task_update = {
            "TableName": self.table,
            "Key": task_key(task_id),
            "UpdateExpression": (
                "SET #status = :done, completedAt = :at, completedBy = :by, "
                "outcome = :outcome, workflowOutput = :output "
                "REMOVE assigneeKey, openShard, remindAt, escalationKey"
            ),
            "ConditionExpression": "#status = :open",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": dynamo.values(
                {
                    ":done": "completed",
                    ":open": "open",
                    ":at": completed_at,
                    ":by": completed_by,
                    ":outcome": dict(outcome),
                    ":output": dict(output),
                }
            ),
        }
        petition = petition_update(
            self.petitions_table,
            petition_id,
            sets=changes.sets,
            step=(changes.task_id, changes.step_fields),
            append_evaluation=changes.evaluation,
            add_rework=changes.add_rework,
        )
        operations, outbox_items = self._with_events(
            [{"Update": task_update}, {"Update": petition}], events
        )
        try:
            self.ddb.transact_write_items(TransactItems=operations)
        except ClientError as error:
            if _cancelled_by_condition(error, 0):
                raise Conflict(detail="This task is already completed.") from None
            raise
        self._publish(outbox_items)
        task = self.get(task_id)
        assert task is not None
        return task

    def mark_resumed(self, task_id: str, at: str) -> None:
        """The workflow has its output: a later completion attempt has nothing to repair."""
        self.ddb.update_item(
            TableName=self.table,
            Key=task_key(task_id),
            UpdateExpression="SET resumedAt = :at",
            ExpressionAttributeValues=dynamo.values({":at": at}),
        )

    def open_for(self, assignee_key: str) -> Iterator[dict[str, Any]]:
        yield from self._query(BY_ASSIGNEE, "assigneeKey = :k", {":k": assignee_key})

    def escalated_to(self, escalation_key: str) -> Iterator[dict[str, Any]]:
        yield from self._query(BY_ESCALATION, "escalationKey = :k", {":k": escalation_key})

    def due_for_reminder(self, now: str) -> Iterator[dict[str, Any]]:
        for shard in range(OPEN_SHARDS):
            yield from self._query(
                OPEN_BY_REMINDER,
                "openShard = :s AND remindAt <= :now",
                {":s": f"OPEN#{shard}", ":now": now},
            )

    def _query(
        self, index: str, condition: str, values: Mapping[str, Any]
    ) -> Iterator[dict[str, Any]]:
        return dynamo.query_index(self.ddb, self.table, index, condition, values)

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
        kind, ordinal = reminder["kind"], int(reminder["ordinal"])
        sets = "reminders = list_append(if_not_exists(reminders, :none), :r)"
        values: dict[str, Any] = {":r": [dict(reminder)], ":none": [], ":open": "open"}
        if escalate_to:
            sets += ", escalated = :t, escalationKey = :ek"
            values |= {":t": True, ":ek": role_key(escalate_to)}
        record = {
            "TableName": self.table,
            "Item": dynamo.to_item(
                {"pk": f"TASK#{task_id}", "sk": f"REMINDER#{kind}#{ordinal:04d}", **reminder}
            ),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
        task_update = {
            "TableName": self.table,
            "Key": task_key(task_id),
            "UpdateExpression": "SET " + sets,
            "ConditionExpression": "#status = :open",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": dynamo.values(values),
        }
        operations, outbox_items = self._with_events(
            [{"Put": record}, {"Update": task_update}], [event] if event else []
        )
        try:
            self.ddb.transact_write_items(TransactItems=operations)
        except ClientError as error:
            if "ConditionalCheckFailed" in dynamo.cancellation_reasons(error):
                return False
            raise
        self._publish(outbox_items)
        return True

    def set_next_reminder(self, task_id: str, remind_at: str) -> None:
        """Move the task's place in the sweep index; a no-op once it is completed."""
        try:
            self.ddb.update_item(
                TableName=self.table,
                Key=task_key(task_id),
                UpdateExpression="SET remindAt = :at",
                ConditionExpression="#status = :open",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=dynamo.values({":at": remind_at, ":open": "open"}),
            )
        except ClientError as error:
            if not dynamo.is_condition_failure(error):
                raise
