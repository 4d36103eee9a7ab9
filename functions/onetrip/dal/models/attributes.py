"""Attribute types the tables need beyond PynamoDB's own.

Documents (an application's `changes`, a petition's `steps`, a task's `reminders`) are
plain JSON-like values the domain owns; they are stored exactly as before PynamoDB: None
values left out, floats as numbers, whole numbers read back as int.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import Attribute
from pynamodb.constants import LIST, MAP
from pynamodb.expressions.operand import Value

from onetrip.dal.dynamo import from_item, from_value, to_item, to_value


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
