"""The household registry table: persons, the ID-number index and audit entries.

Items:
  PERSON#<personId> / PROFILE         the person (system of record), with `version`
  ID#<hmac(idNumber)> / ID            index entry -> personId; `current` false for former numbers
  PERSON#<personId> / AUDIT#<at>#<id> what an approved application changed
"""

from __future__ import annotations

from typing import Any

from onetrip.dal.aws import client
from onetrip.dal.dynamo import from_item, to_item, values
from onetrip.dal.id_hash import id_hash
from onetrip.dal.transact import RawWrite, TransactionCancelled, transact
from onetrip.domain.person import Person
from onetrip.errors import Conflict

PROFILE = "PROFILE"


def _person_key(person_id: str) -> dict[str, Any]:
    return to_item({"pk": f"PERSON#{person_id}", "sk": PROFILE})


def _index_key(id_number: str) -> dict[str, Any]:
    return to_item({"pk": f"ID#{id_hash(id_number)}", "sk": "ID"})


class RegistryStore:
    def __init__(self, table: str) -> None:
        self.table = table

    def get_person(self, person_id: str) -> Person | None:
        response = client("dynamodb").get_item(
            TableName=self.table, Key=_person_key(person_id), ConsistentRead=True
        )
        item = response.get("Item")
        return Person.from_record(from_item(item)) if item else None

    def resolve(self, id_number: str) -> tuple[str, bool] | None:
        """(personId, is current number) for a current or former ID number."""
        response = client("dynamodb").get_item(
            TableName=self.table, Key=_index_key(id_number), ConsistentRead=True
        )
        item = response.get("Item")
        if not item:
            return None
        data = from_item(item)
        return str(data["personId"]), bool(data.get("current", True))

    def create(self, person: Person) -> None:
        try:
            transact(
                [
                    RawWrite(
                        "person",
                        {
                            "Put": {
                                "TableName": self.table,
                                "Item": {
                                    **_person_key(person.person_id),
                                    **to_item(person.to_record()),
                                },
                                "ConditionExpression": "attribute_not_exists(pk)",
                            }
                        },
                    ),
                    self.claim_number(person.id_number, person.person_id),
                ]
            )
        except TransactionCancelled as cancelled:
            if "id_index" in cancelled.failed:
                raise Conflict(detail="This ID number is already registered.") from cancelled
            raise

    # Transaction parts, composed by the identity-change logic.

    def claim_number(self, id_number: str, person_id: str) -> RawWrite:
        """Index a number for a person; fails if anyone holds it, now or formerly."""
        return RawWrite(
            "id_index",
            {
                "Put": {
                    "TableName": self.table,
                    "Item": {
                        **_index_key(id_number),
                        **to_item({"personId": person_id, "current": True}),
                    },
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        )

    def retire_number(self, id_number: str) -> RawWrite:
        """A former number keeps resolving to its person, marked not current."""
        return RawWrite(
            "id_index_retire",
            {
                "Update": {
                    "TableName": self.table,
                    "Key": _index_key(id_number),
                    "UpdateExpression": "SET #c = :f",
                    "ConditionExpression": "attribute_exists(pk)",
                    "ExpressionAttributeNames": {"#c": "current"},
                    "ExpressionAttributeValues": values({":f": False}),
                }
            },
        )

    def replace_person(self, person: Person, *, expected_version: int) -> RawWrite:
        """Optimistic write: only if nobody changed the person since `expected_version`."""
        return RawWrite(
            "person",
            {
                "Put": {
                    "TableName": self.table,
                    "Item": {**_person_key(person.person_id), **to_item(person.to_record())},
                    "ConditionExpression": "#v = :expected",
                    "ExpressionAttributeNames": {"#v": "version"},
                    "ExpressionAttributeValues": values({":expected": expected_version}),
                }
            },
        )

    def check_version(self, person_id: str, version: int) -> RawWrite:
        """A transaction part that holds only while the person is still at `version`."""
        return RawWrite(
            "registry_version",
            {
                "ConditionCheck": {
                    "TableName": self.table,
                    "Key": _person_key(person_id),
                    "ConditionExpression": "#v = :expected",
                    "ExpressionAttributeNames": {"#v": "version"},
                    "ExpressionAttributeValues": values({":expected": version}),
                }
            },
        )

    def audit(
        self, person_id: str, *, at: str, application_id: str, entry: dict[str, Any]
    ) -> RawWrite:
        return RawWrite(
            "audit",
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(
                        {
                            "pk": f"PERSON#{person_id}",
                            "sk": f"AUDIT#{at}#{application_id}",
                            "applicationId": application_id,
                            "at": at,
                            **entry,
                        }
                    ),
                }
            },
        )

    def audit_entries(self, person_id: str) -> list[dict[str, Any]]:
        response = client("dynamodb").query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :audit)",
            ExpressionAttributeValues=values({":pk": f"PERSON#{person_id}", ":audit": "AUDIT#"}),
        )
        return [from_item(i) for i in response.get("Items", [])]
