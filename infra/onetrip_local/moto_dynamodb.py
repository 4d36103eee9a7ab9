"""moto 5.2's TransactWriteItems, with its rollback made item-sized.

moto backs up every table a transaction touches with a deep copy before applying it, so
each transaction costs time and memory in proportion to the data already stored: the
catalogue import (one transaction per entry) slows down quadratically, and a
100-person identity-change run grew the runtime to gigabytes. DynamoDB rolls back only
the items the transaction named; so does this: it copies those items (at most 100)
before moto applies the transaction, lets moto's backup step copy nothing, and on any
failure puts the copied items back. Semantics are unchanged (the same checks, errors and
outcomes); DynamoDB requests are already applied one at a time by the server wrapper, so
nothing else sees a half-applied transaction.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

_moto_transact_write_items = DynamoDBBackend.transact_write_items

# (table, hash key, range key) -> the item before the transaction (None: absent)
_Before = dict[tuple[str, DynamoType, DynamoType | None], Item | None]


def _item_key(table: Table, op_type: str, op: dict[str, Any]) -> tuple[Any, Any] | None:
    attrs = op.get("Item") if op_type == "Put" else op.get("Key")
    if not isinstance(attrs, dict) or table.hash_key_attr not in attrs:
        return None  # moto rejects it; nothing is written
    hash_value = DynamoType(attrs[table.hash_key_attr])
    if table.range_key_attr is None:
        return hash_value, None
    if table.range_key_attr not in attrs:
        return None
    return hash_value, DynamoType(attrs[table.range_key_attr])


def _items_before(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> _Before:
    before: _Before = {}
    for entry in transact_items:
        if not isinstance(entry, dict) or len(entry) != 1:
            continue
        op_type, op = next(iter(entry.items()))
        table = backend.tables.get(str(op.get("TableName"))) if isinstance(op, dict) else None
        key = _item_key(table, op_type, op) if table is not None else None
        if table is None or key is None:
            continue
        try:
            current = table.get_item(*key)
        except Exception:  # noqa: BLE001 - an invalid key: moto reports it, writes nothing
            continue
        before.setdefault((table.name, *key), copy.deepcopy(current))
    return before


def _put_back(backend: DynamoDBBackend, before: _Before) -> None:
    for (table_name, hash_value, range_value), item in before.items():
        table = backend.tables[table_name]
        if item is None and range_value:
            table.items.get(hash_value, {}).pop(range_value, None)
        elif item is None:
            table.items.pop(hash_value, None)
        elif range_value:
            table.items[hash_value][range_value] = item
        else:
            table.items[hash_value] = item  # type: ignore[assignment]  # moto's own typing


@contextmanager
def _backups_copy_nothing() -> Iterator[None]:
    """moto's "original_table_state" becomes the live table; `_put_back` undoes instead."""
    setattr(Table, "__deepcopy__", lambda self, memo: self)  # noqa: B010
    try:
        yield
    finally:
        delattr(Table, "__deepcopy__")


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    before = _items_before(self, transact_items) if len(transact_items) <= 100 else {}
    with _backups_copy_nothing():
        try:
            _moto_transact_write_items(self, transact_items)
        except Exception:
            _put_back(self, before)
            raise


def item_sized_transactions() -> None:
    """Install the item-sized rollback (idempotent)."""
    DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
