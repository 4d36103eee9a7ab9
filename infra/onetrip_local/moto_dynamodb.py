"""moto 5.2's DynamoDB, with two costs made the size DynamoDB's are.

- TransactWriteItems: moto backs up every table a transaction touches with a deep copy
  before applying it, so each transaction costs time and memory in proportion to the data
  already stored (a 100-person identity-change run grew the runtime to gigabytes).
  DynamoDB rolls back only the items the transaction named; so does this: it copies
  those items (at most 100) before moto applies the transaction, lets moto's backup step
  copy nothing, and on any failure puts the copied items back. The checks, errors and
  outcomes are moto's; DynamoDB requests are already applied one at a time by the server
  wrapper, so nothing else sees a half-applied transaction.
- Query: moto builds every query from the whole table, sorted (`Table.all_items`), then
  keeps the asked partition; a query on a table of a million catalogue postings took
  seconds. Here a table query reads its partition only (and, forward and limited on a
  string sort key, only the Limit + 1 items from where its key condition starts) and an
  index query skips the table-wide sort (moto sorts index results by their full key
  again), with the same results in the same order.
"""

from __future__ import annotations

import copy
import inspect
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

_moto_transact_write_items = DynamoDBBackend.transact_write_items
_moto_query = Table.query
_moto_query_parameters = inspect.signature(_moto_query)

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


def _query(self: Table, *args: Any, **kwargs: Any) -> Any:
    asked = _moto_query_parameters.bind(self, *args, **kwargs).arguments
    hash_key = asked.get("hash_key")
    items: list[Item]
    if asked.get("index_name") or hash_key is None:
        items = [
            item
            for stored in self.items.values()
            for item in (stored.values() if self.range_key_attr else [cast(Item, stored)])
        ]
    elif self.range_key_attr:
        partition = self.items.get(hash_key, {})  # .get: the defaultdict adds no key
        items = _window(list(partition.values()), asked, self.range_key_attr)
    else:
        items = [self.items[hash_key]] if hash_key in self.items else []  # type: ignore[list-item]
    setattr(self, "all_items", lambda: items)  # noqa: B010 - moto's query reads this
    try:
        return _moto_query(self, *args, **kwargs)
    finally:
        delattr(self, "all_items")


# Key conditions (moto passes the expression's operator or the legacy name) that select
# one contiguous run of a sorted partition: from a bound, or from the partition's start.
_RUN_FROM = {"=": bisect_left, "EQ": bisect_left, ">=": bisect_left, "GE": bisect_left,
             "BETWEEN": bisect_left, "BEGINS_WITH": bisect_left,
             ">": bisect_right, "GT": bisect_right}  # fmt: skip
_RUN_FROM_START = {"<=", "LE", "<", "LT", None}


def _window(items: list[Item], asked: dict[str, Any], sort_key: str) -> list[Item]:
    """A forward, limited query on a string sort key reads at most Limit + 1 items from
    where its key condition (or its ExclusiveStartKey) starts: moto stops at the first
    item past Limit and, the run being contiguous, no item beyond can match. The
    partition is sorted on the raw strings (C speed) instead of moto's per-comparison
    casts: a 47,580-item partition took a second a query."""
    comparison, bounds = asked.get("range_comparison"), asked.get("range_objs") or []
    comparison = comparison.upper() if isinstance(comparison, str) else comparison
    limit = asked.get("limit")
    after = (asked.get("exclusive_start_key") or {}).get(sort_key, {"S": ""})
    if (
        not items
        or getattr(items[0].range_key, "type", None) != "S"
        or asked.get("scan_index_forward") is False
        or not isinstance(after, dict)
        or not isinstance(after.get("S"), str)
        or asked.get("filter_kwargs")
        or not limit
        or (comparison not in _RUN_FROM and comparison not in _RUN_FROM_START)
    ):
        return items
    if comparison in _RUN_FROM and (not bounds or bounds[0].type != "S"):
        return items
    items.sort(key=lambda item: item.range_key.value)  # type: ignore[union-attr]
    keys = [item.range_key.value for item in items]  # type: ignore[union-attr]
    start = bisect_right(keys, after["S"]) if after["S"] else 0
    if comparison in _RUN_FROM:
        start = max(start, _RUN_FROM[comparison](keys, bounds[0].value))
    return items[start : start + int(limit) + 1]


def scale_like_dynamodb() -> None:
    """Install both (idempotent)."""
    DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
    Table.query = _query  # type: ignore[method-assign]
