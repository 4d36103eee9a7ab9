"""Labelled transactions on PynamoDB's TransactWrite.

Each item of a transaction carries a label ("person", "id_index", "open_application",
"link:<agency>"...). When DynamoDB cancels the transaction, `TransactionCancelled.failed`
names the labels of the items whose condition failed, so the caller can say which rule
was broken (a 409 naming it) without a second read.

TransactWrite sends its items grouped (condition checks, deletes, puts, updates), and
DynamoDB answers with one cancellation reason per item in that order; `transact` adds
the items in that grouped order itself, so reason i belongs to label i.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from onetrip.dal.models.base import connection

Verb = Literal["check", "delete", "put", "update"]
# The order TransactWrite sends its items in (pynamodb.connection.base.transact_write_items).
_SENT_ORDER: tuple[Verb, ...] = ("check", "delete", "put", "update")


@dataclass
class TransactionCancelled(Exception):
    """At least one item failed; `failed` names the labels of the items that did, and
    `codes` says why per label ("ConditionalCheckFailed", "TransactionConflict"...)."""

    failed: list[str] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)

    @property
    def condition_failed(self) -> bool:
        return "ConditionalCheckFailed" in self.codes.values()


@dataclass(frozen=True)
class Write:
    """One item of a transaction, with a label to tell which condition failed.

    Build with `Write.put`, `Write.update`, `Write.delete` or `Write.check`."""

    label: str
    verb: Verb
    item: Model
    condition: Condition | None = None
    actions: tuple[Action, ...] = ()

    @classmethod
    def put(cls, label: str, item: Model, condition: Condition | None = None) -> Write:
        return cls(label, "put", item, condition)

    @classmethod
    def update(
        cls, label: str, item: Model, actions: Sequence[Action], condition: Condition | None = None
    ) -> Write:
        """`item` needs only its keys set: the update touches only `actions`' paths."""
        return cls(label, "update", item, condition, tuple(actions))

    @classmethod
    def delete(cls, label: str, item: Model, condition: Condition | None = None) -> Write:
        return cls(label, "delete", item, condition)

    @classmethod
    def check(cls, label: str, item: Model, condition: Condition) -> Write:
        """A condition on an item the transaction does not write."""
        return cls(label, "check", item, condition)

    def add_to(self, transaction: TransactWrite) -> None:
        if self.verb == "put":
            transaction.save(self.item, condition=self.condition)
        elif self.verb == "update":
            transaction.update(self.item, list(self.actions), condition=self.condition)
        elif self.verb == "delete":
            transaction.delete(self.item, condition=self.condition)
        else:
            hash_key, range_key = _keys(self.item)
            transaction.condition_check(
                type(self.item), hash_key, range_key, condition=self.condition
            )


def _keys(item: Model) -> tuple[Any, Any]:
    cls = type(item)
    hash_key = getattr(item, cls._hash_keyname) if cls._hash_keyname else None
    range_key = getattr(item, cls._range_keyname) if cls._range_keyname else None
    return hash_key, range_key


def in_sent_order(writes: Sequence[Write]) -> list[Write]:
    return sorted(writes, key=lambda w: _SENT_ORDER.index(w.verb))


def transact(writes: Sequence[Write]) -> None:
    """One TransactWriteItems; TransactionCancelled naming the failed items' labels."""
    ordered = in_sent_order(writes)
    try:
        with TransactWrite(connection=connection()) as transaction:
            for write in ordered:
                write.add_to(transaction)
    except TransactWriteError as error:
        if error.cause_response_code != "TransactionCanceledException":
            raise
        reasons = zip(ordered, error.cancellation_reasons, strict=False)
        failed = [(w.label, reason.code) for w, reason in reasons if reason]
        raise TransactionCancelled(
            failed=[label for label, _ in failed] or ["unknown"], codes=dict(failed)
        ) from error
