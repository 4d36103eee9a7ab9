"""Plain-dict <-> DynamoDB attribute-value conversion and transaction helpers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    if isinstance(value, set):
        return {_from_dynamo(v) for v in value}
    return value


def to_item(data: Mapping[str, Any]) -> dict[str, Any]:
    """Serialise a dict to DynamoDB attribute values; None values are left out."""
    return {k: _serializer.serialize(_to_dynamo(v)) for k, v in data.items() if v is not None}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _from_dynamo(_deserializer.deserialize(v)) for k, v in item.items()}


def to_value(value: Any) -> dict[str, Any]:
    """One plain value as a DynamoDB attribute value (None values in maps left out)."""
    return dict(_serializer.serialize(_to_dynamo(value)))


def from_value(value: Mapping[str, Any]) -> Any:
    return _from_dynamo(_deserializer.deserialize(value))  # type: ignore[arg-type]


def values(data: Mapping[str, Any]) -> dict[str, Any]:
    """ExpressionAttributeValues from {":name": value}."""
    return {k: _serializer.serialize(_to_dynamo(v)) for k, v in data.items()}


def is_condition_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def cancellation_reasons(error: ClientError) -> list[str]:
    """Codes per item of a cancelled TransactWriteItems ("None" where the item was fine)."""
    if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return []
    reasons = error.response.get("CancellationReasons") or []
    return [str(r.get("Code", "None")) for r in reasons]


def query_items(ddb: Any, table: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every item a Query returns, across pages, as plain dicts."""
    for page in ddb.get_paginator("query").paginate(TableName=table, **kwargs):
        for item in page.get("Items", []):
            yield from_item(item)


def query_index(
    ddb: Any, table: str, index: str, condition: str, vals: Mapping[str, Any]
) -> Iterator[dict[str, Any]]:
    """Every item of a GSI query: `condition` over `vals` ({":name": value})."""
    return query_items(
        ddb,
        table,
        IndexName=index,
        KeyConditionExpression=condition,
        ExpressionAttributeValues=values(vals),
    )
