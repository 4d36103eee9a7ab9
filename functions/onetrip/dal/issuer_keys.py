"""The IssuerKeys table: the issuer's signing keys (KMS key ids and public JWKs).

Items (one partition, read with one consistent Query):
  KEYS / CURRENT              the key that signs now: kid, keyId
  KEYS / KEY#<createdAt>#<kid>  every key ever used, with `retiredAt` once replaced
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from onetrip.dal.aws import client
from onetrip.dal.dynamo import from_item, query_items, to_item, values
from onetrip.dal.transact import TransactionCancelled, Write, transact
from onetrip.errors import Conflict

_PK = "KEYS"


@dataclass
class IssuerKey:
    kid: str
    key_id: str  # KMS key id or ARN
    jwk: dict[str, Any]
    created_at: str
    retired_at: str | None = None

    @property
    def sk(self) -> str:
        return f"KEY#{self.created_at}#{self.kid}"

    def to_record(self) -> dict[str, Any]:
        return {
            "kid": self.kid,
            "keyId": self.key_id,
            "jwk": self.jwk,
            "createdAt": self.created_at,
            "retiredAt": self.retired_at,
        }

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> IssuerKey:
        return cls(
            kid=str(data["kid"]),
            key_id=str(data["keyId"]),
            jwk=dict(data["jwk"]),
            created_at=str(data["createdAt"]),
            retired_at=data.get("retiredAt"),
        )


def _key(sk: str) -> dict[str, Any]:
    return to_item({"pk": _PK, "sk": sk})


class IssuerKeyStore:
    def __init__(self, table: str) -> None:
        self.table = table

    def current(self) -> IssuerKey | None:
        item = (
            client("dynamodb")
            .get_item(TableName=self.table, Key=_key("CURRENT"), ConsistentRead=True)
            .get("Item")
        )
        return IssuerKey.from_record(from_item(item)) if item else None

    def all(self) -> list[IssuerKey]:
        """Every key, oldest first."""
        items = query_items(
            client("dynamodb"),
            self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :key)",
            ExpressionAttributeValues=values({":pk": _PK, ":key": "KEY#"}),
            ConsistentRead=True,
        )
        return [IssuerKey.from_record(i) for i in items]

    def install_first(self, key: IssuerKey) -> None:
        """The stack's own key becomes current, once (a racing cold start loses quietly)."""
        try:
            transact([self._put_current(key, previous=None), self._put_key(key)])
        except TransactionCancelled:
            return

    def rotate(self, old: IssuerKey, new: IssuerKey, *, at: str) -> None:
        try:
            transact(
                [
                    self._put_current(new, previous=old.kid),
                    self._put_key(new),
                    Write(
                        "retire",
                        {
                            "Update": {
                                "TableName": self.table,
                                "Key": _key(old.sk),
                                "UpdateExpression": "SET retiredAt = :at",
                                "ConditionExpression": "attribute_exists(pk)",
                                "ExpressionAttributeValues": values({":at": at}),
                            }
                        },
                    ),
                ]
            )
        except TransactionCancelled as cancelled:
            raise Conflict(
                detail="Another rotation happened at the same time; the key it made signs now."
            ) from cancelled

    def _put_current(self, key: IssuerKey, *, previous: str | None) -> Write:
        condition = "attribute_not_exists(pk)" if previous is None else "kid = :previous"
        operation: dict[str, Any] = {
            "TableName": self.table,
            "Item": {**_key("CURRENT"), **to_item(key.to_record())},
            "ConditionExpression": condition,
        }
        if previous is not None:
            operation["ExpressionAttributeValues"] = values({":previous": previous})
        return Write("current", {"Put": operation})

    def _put_key(self, key: IssuerKey) -> Write:
        return Write(
            "key",
            {
                "Put": {
                    "TableName": self.table,
                    "Item": {**_key(key.sk), **to_item(key.to_record())},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        )
