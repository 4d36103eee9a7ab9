"""The base every table model derives from, and the factory that binds it to a table.

A model class says what an item looks like; which table holds it is known only in the
function's own process (settings, read once per cold start). `bound(Model, table)` makes
one subclass per (model, table name) with `Meta.table_name` set, cached, so:
- Lambda and the local runtime's worker processes bind once per process;
- the in-process test harness, which swaps environments per invocation, gets the class
  bound to whatever table the current settings name, never one left over from another.

Every bound class talks through the process's one DynamoDB client (`dal/aws.py`):
PynamoDB would otherwise build a botocore session and client per model class (~100 ms
of cold start each), and its requests would escape `make bench`'s counting. The key
schema comes from the model itself, so PynamoDB never sends DescribeTable.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar

from pynamodb.connection import Connection
from pynamodb.connection.table import TableConnection
from pynamodb.models import Model

from onetrip.dal.aws import client

M = TypeVar("M", bound="TableModel")


class OneClientConnection(Connection):
    """PynamoDB's connection, on the process's shared DynamoDB client."""

    @property
    def client(self) -> Any:
        return client("dynamodb")


@cache
def connection() -> OneClientConnection:
    """The connection transactions are sent on (TransactWrite needs one)."""
    return OneClientConnection()


class TableModel(Model):
    """Base of every table model. Never used unbound: `bound(Model, table)` first."""

    class Meta:
        table_name: str  # set by bound()

    @classmethod
    def from_record(cls: type[M], record: Mapping[str, Any]) -> M:
        """An item from a plain dict keyed by stored attribute names (camelCase); a key
        the model does not declare is an error, never silently dropped."""
        names = {attribute.attr_name: name for name, attribute in cls.get_attributes().items()}
        unknown = sorted(set(record) - set(names))
        if unknown:
            raise ValueError(f"{cls.__name__} has no attribute(s) {unknown}")
        return cls(**{names[key]: value for key, value in record.items()})

    @classmethod
    def attribute(cls, stored_name: str) -> Any:
        """The attribute stored under `stored_name` (for update actions built from
        domain field names)."""
        for attribute in cls.get_attributes().values():
            if attribute.attr_name == stored_name:
                return attribute
        raise ValueError(f"{cls.__name__} has no attribute {stored_name!r}")

    def to_record(self) -> dict[str, Any]:
        """The item as a plain dict keyed by stored attribute names; None left out."""
        return {
            attribute.attr_name: value
            for name, attribute in self.get_attributes().items()
            if (value := getattr(self, name)) is not None
        }

    @classmethod
    def _get_connection(cls) -> TableConnection:
        if cls._connection is None or cls._connection.table_name != cls.Meta.table_name:
            table = super()._get_connection()
            shared = OneClientConnection()
            shared.add_meta_table(table.get_meta_table())
            table.connection = shared
        assert cls._connection is not None
        return cls._connection


@cache
def bound(model: type[M], table_name: str) -> type[M]:
    """`model` bound to `table_name`: one class per pair, so instances of it, its indexes
    and its queries all address that table."""
    if not table_name:
        raise ValueError(f"{model.__name__}: no table name (is the function's setting set?)")
    meta = type("Meta", (model.Meta,), {"table_name": table_name})
    return type(model.__name__, (model,), {"Meta": meta, "__module__": model.__module__})
