"""TransactWriteItems with the reason for a cancellation kept, per item."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from onetrip.dal.aws import client
from onetrip.dal.dynamo import cancellation_reasons


@dataclass
class TransactionCancelled(Exception):
    """At least one condition failed; `failed` names the labels of the items that did."""

    failed: list[str] = field(default_factory=list)


@dataclass
class Write:
    """One item of a transaction, with a label to tell which condition failed."""

    label: str
    operation: dict[str, Any]  # {"Put": {...}} | {"Update": {...}} | {"Delete": ...} | ...


def transact(writes: Sequence[Write]) -> None:
    try:
        client("dynamodb").transact_write_items(TransactItems=[w.operation for w in writes])
    except ClientError as error:
        reasons = cancellation_reasons(error)
        if not reasons:
            raise
        failed = [
            w.label for w, code in zip(writes, reasons, strict=False) if code not in ("None", "")
        ]
        raise TransactionCancelled(failed=failed or ["unknown"]) from error
