"""Attribute types the tables need beyond PynamoDB's own.

Documents (an application's `changes`, a petition's `steps`, a task's `reminders`) are
plain JSON-like values the domain owns; they are stored exactly as before PynamoDB: None
values left out, floats as numbers, whole numbers read back as int.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pynamodb.attributes import Attribute
from pynamodb.constants import LIST, MAP
from pynamodb.expressions.operand import Value

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


def to_value(value: Any) -> dict[str, Any]:
    """A plain value as a DynamoDB attribute value (None values in maps left out)."""
    return dict(_serializer.serialize(_to_dynamo(value)))


def from_value(value: Mapping[str, Any]) -> Any:
    return _from_dynamo(_deserializer.deserialize(value))  # type: ignore[arg-type]


def to_item(data: Mapping[str, Any]) -> dict[str, Any]:
    """A dict as a map of attribute values; None values are left out."""
    return {k: to_value(v) for k, v in data.items() if v is not None}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: from_value(v) for k, v in item.items()}


class DocumentAttribute(Attribute[dict[str, Any]]):
    """A map of plain values (str, numbers, bools, nested maps and lists)."""

    attr_type = MAP

    def serialize(self, value: Any) -> dict[str, Any]:
        return to_item(value)

    def deserialize(self, value: Any) -> dict[str, Any]:
        return from_item(value)


class DocumentListAttribute(Attribute[list[Any]]):
    """A list of plain values (typically maps)."""

    attr_type = LIST

    def serialize(self, value: Any) -> list[Any]:
        return [to_value(v) for v in value]

    def deserialize(self, value: Any) -> list[Any]:
        return [from_value(v) for v in value]


def document(value: Any) -> Value:
    """A plain value as an update operand for a nested path (`steps[taskId]["dueAt"]`),
    serialised like a document rather than by PynamoDB's raw-map rules."""
    if isinstance(value, dict):
        return Value(value, attribute=DocumentAttribute())
    if isinstance(value, list | tuple):
        return Value(list(value), attribute=DocumentListAttribute())
    return Value(value)
