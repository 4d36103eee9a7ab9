"""Agency records (社保卡, 学籍, 出入境证件, 驾驶证, water, electricity, gas accounts).

Keyed by the keyed hash of the ID number the agency knows the person by:
  <agency>#<hmac(idNumber)> / RECORD   kind "record": the agency's data, `version`,
                                      `registryVersion` (the registry version it mirrors)
                                      kind "alias": a former number; `aliasOf` = new key
A re-keyed record leaves an alias behind, so the old number still finds it.
"""

from __future__ import annotations

from typing import Any

from onetrip.dal.aws import client
from onetrip.dal.dynamo import from_item, to_item, values
from onetrip.dal.id_hash import id_hash
from onetrip.dal.transact import RawWrite

_MAX_ALIAS_HOPS = 10  # a person changing number ten times is far beyond any real case


def _pk(agency: str, key_hash: str) -> str:
    return f"{agency}#{key_hash}"


class AgencyRecordStore:
    def __init__(self, table: str) -> None:
        self.table = table

    def find(self, agency: str, id_number: str) -> dict[str, Any] | None:
        """The record an ID number (current or former) leads to, following aliases."""
        key_hash = id_hash(id_number)
        for _ in range(_MAX_ALIAS_HOPS):
            response = client("dynamodb").get_item(
                TableName=self.table,
                Key=to_item({"pk": _pk(agency, key_hash), "sk": "RECORD"}),
                ConsistentRead=True,
            )
            item = response.get("Item")
            if not item:
                return None
            data = from_item(item)
            if data.get("kind") != "alias":
                return data
            key_hash = str(data["aliasOf"])
        return None

    def put_record(
        self, agency: str, record: dict[str, Any], *, expected_version: int | None
    ) -> RawWrite:
        """Write a record at its ID number's key.

        expected_version None: the key must be free (or only an alias, which a record
        re-keyed back to an earlier number replaces); else the stored version must match.
        """
        item = {
            "pk": _pk(agency, id_hash(record["idNumber"])),
            "sk": "RECORD",
            "kind": "record",
            **record,
        }
        if expected_version is None:
            condition = "attribute_not_exists(pk) OR kind = :alias"
            vals: dict[str, Any] = {":alias": "alias"}
        else:
            condition = "version = :v AND kind = :record"
            vals = {":v": expected_version, ":record": "record"}
        return RawWrite(
            "record",
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(item),
                    "ConditionExpression": condition,
                    "ExpressionAttributeValues": values(vals),
                }
            },
        )

    def put_alias(
        self, agency: str, *, former: str, current: str, expected_version: int, at: str
    ) -> RawWrite:
        """Replace the record under a former number by a pointer to the new key."""
        return RawWrite(
            "alias",
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(
                        {
                            "pk": _pk(agency, id_hash(former)),
                            "sk": "RECORD",
                            "kind": "alias",
                            "aliasOf": id_hash(current),
                            "updatedAt": at,
                        }
                    ),
                    "ConditionExpression": "version = :v AND kind = :record",
                    "ExpressionAttributeValues": values(
                        {":v": expected_version, ":record": "record"}
                    ),
                }
            },
        )
