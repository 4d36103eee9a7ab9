"""The StatusLists table: status-list shards, their bits and the indices handed out.

Items:
  LISTS / CURRENT              the shard new credentials get indices from, and whether
                               it has been published yet (verifiers can fetch it at once)
  LIST#<listId> / COUNT        how many indices the shard has handed out
  LIST#<listId> / IDX#<index>  an index, claimed once for one credential: never reused
  LIST#<listId> / BITS         the list (`lst`, ZLIB + base64url), its version, and what
                               was last published (version, token expiry)

The bits are changed by read-modify-write under a version condition, in the same
transaction as the credential's status, so a status and its bit never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from onetrip.dal.aws import client
from onetrip.dal.dynamo import from_item, to_item, values
from onetrip.dal.transact import Write

FIRST_LIST = "1"


def _key(pk: str, sk: str) -> dict[str, Any]:
    return to_item({"pk": pk, "sk": sk})


@dataclass(frozen=True)
class ListBits:
    list_id: str
    lst: str | None  # None: nothing set yet (every entry valid)
    version: int
    published_version: int
    published_exp: int  # epoch seconds; 0 if never published


class StatusListStore:
    def __init__(self, table: str) -> None:
        self.table = table

    def current_list(self) -> tuple[str, bool]:
        """(shard id, whether it has been published)."""
        item = (
            client("dynamodb")
            .get_item(TableName=self.table, Key=_key("LISTS", "CURRENT"), ConsistentRead=True)
            .get("Item")
        )
        if not item:
            return FIRST_LIST, False
        data = from_item(item)
        return str(data["listId"]), bool(data.get("published", False))

    def note_current_published(self, list_id: str) -> None:
        try:
            client("dynamodb").update_item(
                TableName=self.table,
                Key=_key("LISTS", "CURRENT"),
                UpdateExpression="SET listId = :id, published = :yes",
                ConditionExpression="attribute_not_exists(pk) OR listId = :id",
                ExpressionAttributeValues=values({":id": list_id, ":yes": True}),
            )
        except client("dynamodb").exceptions.ConditionalCheckFailedException:
            pass  # a newer shard is current; it gets published on its first use

    def open_next(self, full_list: str) -> None:
        """Move new allocations to the next shard (once, however many callers race)."""
        following = str(int(full_list) + 1)
        try:
            client("dynamodb").put_item(
                TableName=self.table,
                Item={**_key("LISTS", "CURRENT"), **to_item({"listId": following})},
                ConditionExpression="attribute_not_exists(pk) OR listId = :full",
                ExpressionAttributeValues=values({":full": full_list}),
            )
        except client("dynamodb").exceptions.ConditionalCheckFailedException:
            pass  # another caller moved it already

    def list_ids(self) -> list[str]:
        return [str(n) for n in range(1, int(self.current_list()[0]) + 1)]

    def claim_index(self, list_id: str, index: int, credential_id: str) -> Write:
        return Write(
            "status_index",
            {
                "Put": {
                    "TableName": self.table,
                    "Item": {
                        **_key(f"LIST#{list_id}", f"IDX#{index}"),
                        **to_item({"credentialId": credential_id}),
                    },
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        )

    def count_allocation(self, list_id: str, cap: int) -> Write:
        """One more index handed out, refused once the shard holds `cap`."""
        return Write(
            f"status_list_full:{list_id}",
            {
                "Update": {
                    "TableName": self.table,
                    "Key": _key(f"LIST#{list_id}", "COUNT"),
                    "UpdateExpression": "ADD allocated :one",
                    "ConditionExpression": "attribute_not_exists(allocated) OR allocated < :cap",
                    "ExpressionAttributeValues": values({":one": 1, ":cap": cap}),
                }
            },
        )

    def bits(self, list_id: str) -> ListBits:
        item = (
            client("dynamodb")
            .get_item(
                TableName=self.table, Key=_key(f"LIST#{list_id}", "BITS"), ConsistentRead=True
            )
            .get("Item")
        )
        data = from_item(item) if item else {}
        return ListBits(
            list_id=list_id,
            lst=data.get("lst"),
            version=int(data.get("version", 0)),
            published_version=int(data.get("publishedVersion", -1)),
            published_exp=int(data.get("publishedExp", 0)),
        )

    def put_bits(self, list_id: str, lst: str, *, expected_version: int) -> Write:
        """The new list, only if nobody changed it since `expected_version` (0: new)."""
        condition = (
            "attribute_not_exists(version)" if expected_version == 0 else "version = :expected"
        )
        vals: dict[str, Any] = {":lst": lst, ":next": expected_version + 1}
        if expected_version:
            vals[":expected"] = expected_version
        return Write(
            f"status_bits:{list_id}",
            {
                "Update": {
                    "TableName": self.table,
                    "Key": _key(f"LIST#{list_id}", "BITS"),
                    "UpdateExpression": "SET lst = :lst, version = :next",
                    "ConditionExpression": condition,
                    "ExpressionAttributeValues": values(vals),
                }
            },
        )

    def mark_published(self, list_id: str, *, version: int, exp: int) -> None:
        """Record a publication unless a newer one was recorded meanwhile."""
        try:
            client("dynamodb").update_item(
                TableName=self.table,
                Key=_key(f"LIST#{list_id}", "BITS"),
                UpdateExpression="SET publishedVersion = :v, publishedExp = :exp",
                ConditionExpression=(
                    "attribute_not_exists(publishedVersion) OR publishedVersion < :v "
                    "OR (publishedVersion = :v AND publishedExp < :exp)"
                ),
                ExpressionAttributeValues=values({":v": version, ":exp": exp}),
            )
        except client("dynamodb").exceptions.ConditionalCheckFailedException:
            pass
