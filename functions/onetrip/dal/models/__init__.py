"""PynamoDB models of onetrip's tables: the one way code touches DynamoDB.

The convention every store follows (see `outbox.py` beside this package for a worked
example):

1. A model per item kind, in `dal/models/<table>.py`, deriving from `TableModel`:
   typed attributes named in snake_case with `attr_name=` the stored (camelCase) name;
   `pk`/`sk` as hash/range key; GSIs as `GlobalSecondaryIndex` classes on the model;
   nested JSON-like values as `DocumentAttribute` / `DocumentListAttribute`. No
   `Meta.table_name` in the class: table names are settings.
2. A store binds its models once, in its constructor, from the table name it is given:
   `self.model = bound(OutboxEvent, table)`. `bound` caches one class per (model, table),
   so a store built per settings object (the in-process harness swaps them per
   invocation) always writes to the table of the current settings. Stores are built at
   the function's composition root, never at import time.
3. Reads and single writes use the bound class (`get`, `query`, `save`, `update`,
   `delete`) with explicit conditions; every write of one use case that must happen
   together is a list of labelled `Write`s sent with `transact` (one
   TransactWriteItems). `TransactionCancelled.failed` names the labels whose condition
   failed; the logic turns a label into the 409 it means.
4. All models share the process's one DynamoDB client (`dal/aws.py`), so PynamoDB adds
   no client, no DescribeTable and no request that `make bench` does not count.
"""

from onetrip.dal.models.attributes import DocumentAttribute, DocumentListAttribute, document
from onetrip.dal.models.base import TableModel, bound
from onetrip.dal.models.outbox import OutboxEvent
from onetrip.dal.models.transact import TransactionCancelled, Write, transact

__all__ = [
    "DocumentAttribute",
    "DocumentListAttribute",
    "OutboxEvent",
    "TableModel",
    "TransactionCancelled",
    "Write",
    "bound",
    "document",
    "transact",
]
