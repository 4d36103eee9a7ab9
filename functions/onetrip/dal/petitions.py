"""The Petitions table: one item per petition (信访件), indexed by status and petitioner.

Keys: pk = PETITION#<id>, sk = PETITION. GSIs (all attributes projected):
- byStatus (statusKey = STATUS#<status>, receivedAt): lists and statistics by period;
- byPetitioner (petitionerKey = ID#<keyed hash of the ID number>, receivedAt): search and
  repeat detection without the ID number ever being a key.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from botocore.exceptions import ClientError

from onetrip.dal import dynamo
from onetrip.dal.aws import client
from onetrip.domain.petition import DueMove
from onetrip.errors import Conflict, StaleRead

BY_STATUS = "byStatus"
BY_PETITIONER = "byPetitioner"
_SK = "PETITION"


def petition_key(petition_id: str) -> dict[str, Any]:
    return dynamo.to_item({"pk": f"PETITION#{petition_id}", "sk": _SK})


def status_key(status: str) -> str:
    return f"STATUS#{status}"


def petitioner_key(id_hash: str) -> str:
    return f"ID#{id_hash}"


class PetitionStore:
    def __init__(self, table: str, ddb: Any = None, *, tasks_table: str = "") -> None:
        self.table = table
        self.tasks_table = tasks_table
        self._ddb = ddb

    @property
    def ddb(self) -> Any:
        return self._ddb or client("dynamodb")

    def create(self, petition: Mapping[str, Any]) -> None:
        item = {
            **petition,
            "pk": f"PETITION#{petition['petitionId']}",
            "sk": _SK,
            "statusKey": status_key(petition["status"]),
        }
        self.ddb.put_item(
            TableName=self.table,
            Item=dynamo.to_item(item),
            ConditionExpression="attribute_not_exists(pk)",
        )

    def get(self, petition_id: str) -> dict[str, Any] | None:
        response = self.ddb.get_item(
            TableName=self.table, Key=petition_key(petition_id), ConsistentRead=True
        )
        item = response.get("Item")
        return dynamo.from_item(item) if item else None

    def by_status(
        self, status: str, received_from: str | None = None, received_to: str | None = None
    ) -> Iterator[dict[str, Any]]:
        condition = "statusKey = :s"
        values: dict[str, Any] = {":s": status_key(status)}
        if received_from and received_to:
            condition += " AND receivedAt BETWEEN :f AND :t"
            values |= {":f": received_from, ":t": received_to}
        yield from self._query(BY_STATUS, condition, values)

    def by_petitioner(
        self, id_hash: str, received_from: str | None = None
    ) -> Iterator[dict[str, Any]]:
        condition = "petitionerKey = :p"
        values: dict[str, Any] = {":p": petitioner_key(id_hash)}
        if received_from:
            condition += " AND receivedAt >= :f"
            values[":f"] = received_from
        yield from self._query(BY_PETITIONER, condition, values)

    def _query(
        self, index: str, condition: str, values: Mapping[str, Any]
    ) -> Iterator[dict[str, Any]]:
        return dynamo.query_index(self.ddb, self.table, index, condition, values)

    def extend(
        self,
        petition_id: str,
        *,
        old_due: str,
        new_due: str,
        extension: Mapping[str, Any],
        moves: Sequence[DueMove] = (),
    ) -> dict[str, Any]:
        """Move conclusionDueAt once, and with it (same transaction) the dueAt/remindAt of
        the open tasks it capped and their step entries; a second extension (or a race) is
        a Conflict, a task that changed since it was read a StaleRead."""
        names = {"#status": "status", "#extended": "extended", "#extension": "extension"}
        values: dict[str, Any] = {
            ":new": new_due,
            ":old": old_due,
            ":t": True,
            ":f": False,
            ":e": dict(extension),
            ":open": "in_progress",
        }
        sets = ["conclusionDueAt = :new", "#extended = :t", "#extension = :e"]
        for i, move in enumerate(moves):
            names |= {"#steps": "steps", f"#t{i}": move.task_id, "#due": "dueAt"}
            values[f":d{i}"] = move.due_at
            sets.append(f"#steps.#t{i}.#due = :d{i}")
        petition = {
            "TableName": self.table,
            "Key": petition_key(petition_id),
            "UpdateExpression": "SET " + ", ".join(sets),
            "ConditionExpression": (
                "attribute_exists(pk) AND #extended = :f AND conclusionDueAt = :old "
                "AND #status = :open"
            ),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": dynamo.values(values),
        }
        try:
            if moves:
                self.ddb.transact_write_items(
                    TransactItems=[{"Update": petition}]
                    + [{"Update": self._task_due_update(move)} for move in moves]
                )
            else:
                self.ddb.update_item(**petition)
        except ClientError as error:
            reasons = dynamo.cancellation_reasons(error)
            if dynamo.is_condition_failure(error) or reasons[:1] == ["ConditionalCheckFailed"]:
                raise Conflict(detail="The conclusion deadline was already extended.") from None
            if "ConditionalCheckFailed" in reasons:
                raise StaleRead(detail="An open task changed meanwhile; try again.") from None
            raise
        updated = self.get(petition_id)
        assert updated is not None
        return updated

    def _task_due_update(self, move: DueMove) -> dict[str, Any]:
        """The task's new dueAt and its place in the reminder sweep, only if it is still
        open with the dueAt the move was computed from (recorded reminders stay)."""
        return {
            "TableName": self.tasks_table,
            "Key": dynamo.to_item({"pk": f"TASK#{move.task_id}", "sk": "TASK"}),
            "UpdateExpression": "SET dueAt = :due, remindAt = :remind",
            "ConditionExpression": "#status = :open AND dueAt = :was",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": dynamo.values(
                {
                    ":due": move.due_at,
                    ":remind": move.remind_at,
                    ":was": move.old_due_at,
                    ":open": "open",
                }
            ),
        }


def petition_update(
    table: str,
    petition_id: str,
    *,
    sets: Mapping[str, Any] | None = None,
    step: tuple[str, Mapping[str, Any]] | None = None,
    append_evaluation: Mapping[str, Any] | None = None,
    add_rework: bool = False,
) -> dict[str, Any]:
    """An Update (for TransactWriteItems) of the petition: top-level attributes, fields of
    one step entry (steps.<taskId>.<field>), an evaluation appended, the rework count."""
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    clauses: list[str] = []
    for i, (name, value) in enumerate((sets or {}).items()):
        names[f"#a{i}"] = name
        values[f":a{i}"] = value
        clauses.append(f"#a{i} = :a{i}")
    if step:
        task_id, fields = step
        names["#steps"], names["#tid"] = "steps", task_id
        for i, (name, value) in enumerate(fields.items()):
            names[f"#s{i}"] = name
            values[f":s{i}"] = value
            clauses.append(f"#steps.#tid.#s{i} = :s{i}")
    if append_evaluation:
        values[":ev"], values[":none"] = [dict(append_evaluation)], []
        clauses.append("evaluations = list_append(if_not_exists(evaluations, :none), :ev)")
    if add_rework:
        values[":one"], values[":zero"] = 1, 0
        clauses.append("reworkRounds = if_not_exists(reworkRounds, :zero) + :one")
    return {
        "TableName": table,
        "Key": petition_key(petition_id),
        "UpdateExpression": "SET " + ", ".join(clauses),
        "ConditionExpression": "attribute_exists(pk)",
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": dynamo.values(values),
    }
