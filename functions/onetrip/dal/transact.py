"""Transactions that still mix client-built items with model `Write`s (while the stores
move onto PynamoDB models). New code uses `onetrip.dal.models.transact`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from botocore.exceptions import ClientError

from onetrip.dal.aws import client
from onetrip.dal.dynamo import cancellation_reasons
from onetrip.dal.models.transact import TransactionCancelled
from onetrip.dal.models.transact import Write as ModelWrite
from onetrip.dal.models.transact import transact as model_transact

__all__ = ["RawWrite", "TransactionCancelled", "Write", "transact"]


@dataclass
class RawWrite:
    """One client-built item of a transaction, with its label."""

    label: str
    operation: dict[str, Any]  # {"Put": {...}} | {"Update": {...}} | {"Delete": ...} | ...


Write: TypeAlias = RawWrite | ModelWrite


def operation(write: Write) -> dict[str, Any]:
    if isinstance(write, RawWrite):
        return write.operation
    item, condition = write.item, write.condition
    if write.verb == "put":
        return {"Put": item.get_save_kwargs_from_instance(condition=condition)}
    if write.verb == "update":
        return {
            "Update": item.get_update_kwargs_from_instance(
                actions=list(write.actions), condition=condition
            )
        }
    if write.verb == "delete":
        return {"Delete": item.get_delete_kwargs_from_instance(condition=condition)}
    raise ValueError(f"{write.verb} is not bridged")


def transact(writes: Sequence[Write]) -> None:
    if all(isinstance(w, ModelWrite) for w in writes):
        model_transact([w for w in writes if isinstance(w, ModelWrite)])
        return
    try:
        client("dynamodb").transact_write_items(TransactItems=[operation(w) for w in writes])
    except ClientError as error:
        reasons = cancellation_reasons(error)
        if not reasons:
            raise
        failed = [
            w.label for w, code in zip(writes, reasons, strict=False) if code not in ("None", "")
        ]
        raise TransactionCancelled(failed=failed or ["unknown"]) from error
