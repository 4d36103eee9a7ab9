"""The Credentials table: every credential issued, per person, and a pointer by id.

Items:
  PERSON#<personId> / CRED#<credentialId>   the credential (claim names, never values
                                             outside the SD-JWT itself)
  CRED#<credentialId> / CRED                 pointer -> personId (GET by id)

A person's credentials share a partition, so the wallet list and the re-issue chain read
them with one strongly consistent Query (a GSI could miss one issued a moment ago).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from onetrip.dal.aws import client
from onetrip.dal.dynamo import from_item, query_items, to_item, values
from onetrip.dal.transact import Write
from onetrip.domain.credential import Credential

_SK = "CRED#"


def _key(person_id: str, credential_id: str) -> dict[str, Any]:
    return to_item({"pk": f"PERSON#{person_id}", "sk": f"{_SK}{credential_id}"})


def _pointer_key(credential_id: str) -> dict[str, Any]:
    return to_item({"pk": f"{_SK}{credential_id}", "sk": "CRED"})


class CredentialStore:
    def __init__(self, table: str) -> None:
        self.table = table

    def get(self, credential_id: str) -> Credential | None:
        ddb = client("dynamodb")
        pointer = ddb.get_item(
            TableName=self.table, Key=_pointer_key(credential_id), ConsistentRead=True
        ).get("Item")
        if not pointer:
            return None
        person_id = from_item(pointer)["personId"]
        item = ddb.get_item(
            TableName=self.table, Key=_key(person_id, credential_id), ConsistentRead=True
        ).get("Item")
        return Credential.from_record(from_item(item)) if item else None

    def for_person(self, person_id: str) -> list[Credential]:
        """Newest first."""
        items = query_items(
            client("dynamodb"),
            self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :cred)",
            ExpressionAttributeValues=values({":pk": f"PERSON#{person_id}", ":cred": _SK}),
            ConsistentRead=True,
        )
        found = [Credential.from_record(i) for i in items]
        return sorted(found, key=lambda c: c.issued_at, reverse=True)

    def put_new(self, credential: Credential) -> list[Write]:
        key = _key(credential.person_id, credential.credential_id)
        return [
            Write(
                "credential",
                {
                    "Put": {
                        "TableName": self.table,
                        "Item": {**key, **to_item(credential.to_record())},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ),
            Write(
                "credential_pointer",
                {
                    "Put": {
                        "TableName": self.table,
                        "Item": {
                            **_pointer_key(credential.credential_id),
                            **to_item({"personId": credential.person_id}),
                        },
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ),
        ]

    def transition(
        self,
        credential: Credential,
        *,
        from_statuses: Sequence[str],
        changes: Mapping[str, Any],
        label: str = "credential_status",
    ) -> Write:
        """Set `changes` only while the status is one of `from_statuses`."""
        names = {f"#f{i}": name for i, name in enumerate(changes)}
        vals = {f":f{i}": value for i, value in enumerate(changes.values())}
        allowed = {f":s{i}": s for i, s in enumerate(from_statuses)}
        return Write(
            label,
            {
                "Update": {
                    "TableName": self.table,
                    "Key": _key(credential.person_id, credential.credential_id),
                    "UpdateExpression": "SET " + ", ".join(f"{n} = :{n[1:]}" for n in names),
                    "ConditionExpression": f"#status IN ({', '.join(allowed)})",
                    "ExpressionAttributeNames": {**names, "#status": "status"},
                    "ExpressionAttributeValues": values({**vals, **allowed}),
                }
            },
        )
