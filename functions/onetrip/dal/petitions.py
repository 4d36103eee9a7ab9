"""The Petitions table: one item per petition (信访件), indexed by status and petitioner.

Keys: pk = PETITION#<id>, sk = PETITION. GSIs (all attributes projected):
- byStatus (statusKey = STATUS#<status>, receivedAt): lists and statistics by period;
- byPetitioner (petitionerKey = ID#<keyed hash of the ID number>, receivedAt): search and
  repeat detection without the ID number ever being a key.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from botocore.exceptions import ClientError

from onetrip.dal import dynamo
from onetrip.dal.aws import client
from onetrip.errors import Conflict

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
    def __init__(self, table: str, ddb: Any = None) -> None:
        self.table = table
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
        return dynamo.query_items(
            self.ddb,
            self.table,
            IndexName=index,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=dynamo.values(values),
        )

    def extend(
        self, petition_id: str, *, old_due: str, new_due: str, extension: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Move conclusionDueAt once; a second extension (or a race) is a Conflict."""
        try:
            response = self.ddb.update_item(
                TableName=self.table,
                Key=petition_key(petition_id),
                UpdateExpression="SET conclusionDueAt = :new, #extended = :t, #extension = :e",
                ConditionExpression=(
                    "attribute_exists(pk) AND #extended = :f AND conclusionDueAt = :old "
                    "AND #status = :open"
                ),
                ExpressionAttributeNames={
                    "#status": "status",
                    "#extended": "extended",
                    "#extension": "extension",
                },
                ExpressionAttributeValues=dynamo.values(
                    {
                        ":new": new_due,
                        ":old": old_due,
                        ":t": True,
                        ":f": False,
                        ":e": dict(extension),
                        ":open": "in_progress",
                    }
                ),
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if dynamo.is_condition_failure(error):
                raise Conflict(detail="The conclusion deadline was already extended.") from None
            raise
        return dynamo.from_item(response["Attributes"])


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
