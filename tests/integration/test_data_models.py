"""The PynamoDB foundation of dal/: tables bound per settings, labelled transactions,
one client for every model (no DescribeTable, nothing bench would not count)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from onetrip.dal.aws import client
from onetrip.dal.models import OutboxEvent, TransactionCancelled, Write, bound, transact
from onetrip_local.harness import LocalCloud


def _event(model: type[OutboxEvent], key: str) -> OutboxEvent:
    return model(key, source="test", detail_type="T", detail="{}", created_at="2026-01-01")


def _stored(cloud: LocalCloud, table: str, key: str) -> dict[str, Any] | None:
    response = cloud.boto("dynamodb").get_item(
        TableName=table, Key={"pk": {"S": key}, "sk": {"S": "EVENT"}}, ConsistentRead=True
    )
    return response.get("Item")


def test_one_bound_class_per_model_and_table(fresh_cloud: LocalCloud) -> None:
    outbox, petitions = fresh_cloud.table("Outbox"), fresh_cloud.table("Petitions")
    # Given the same model bound twice to one table and once to another
    first, again, other = (
        bound(OutboxEvent, outbox),
        bound(OutboxEvent, outbox),
        bound(OutboxEvent, petitions),
    )
    # Then the same table gives the same class, another table another class
    assert first is again and first is not other
    # And each writes to its own table
    _event(first, "evt_a").save()
    _event(other, "evt_b").save()
    assert _stored(fresh_cloud, outbox, "evt_a") is not None
    assert _stored(fresh_cloud, outbox, "evt_b") is None
    assert _stored(fresh_cloud, petitions, "evt_b") is not None


def test_a_model_needs_a_table_name() -> None:
    with pytest.raises(ValueError, match="no table name"):
        bound(OutboxEvent, "")


def test_a_cancelled_transaction_names_the_items_whose_condition_failed(
    fresh_cloud: LocalCloud,
) -> None:
    model = bound(OutboxEvent, fresh_cloud.table("Outbox"))
    _event(model, "evt_existing").save()
    _event(model, "evt_checked").save()
    # Given a transaction listed update, put, delete, check (TransactWrite sends them
    # as check, delete, put, update), where the update and the check fail
    writes = [
        Write.update(
            "update-missing",
            model("evt_missing"),
            [model.detail.set("{}")],
            condition=model.pk.exists(),
        ),
        Write.put("put-new", _event(model, "evt_new"), condition=model.pk.does_not_exist()),
        Write.delete("delete-existing", model("evt_existing"), condition=model.pk.exists()),
        Write.check("check-existing-absent", model("evt_checked"), model.pk.does_not_exist()),
    ]
    # When it is sent
    with pytest.raises(TransactionCancelled) as cancelled:
        transact(writes)
    # Then exactly the two failing labels are named, and nothing was written
    assert sorted(cancelled.value.failed) == ["check-existing-absent", "update-missing"]
    assert _stored(fresh_cloud, fresh_cloud.table("Outbox"), "evt_new") is None
    assert _stored(fresh_cloud, fresh_cloud.table("Outbox"), "evt_existing") is not None


def test_a_transaction_commits_every_item(fresh_cloud: LocalCloud) -> None:
    table = fresh_cloud.table("Outbox")
    model = bound(OutboxEvent, table)
    _event(model, "evt_old").save()
    transact(
        [
            Write.delete("old", model("evt_old"), condition=model.pk.exists()),
            Write.put("new", _event(model, "evt_new"), condition=model.pk.does_not_exist()),
        ]
    )
    assert _stored(fresh_cloud, table, "evt_old") is None
    assert _stored(fresh_cloud, table, "evt_new") is not None


def test_models_use_the_shared_client_and_never_describe_tables(
    fresh_cloud: LocalCloud,
) -> None:
    sent: Counter[str] = Counter()

    def count(event_name: str, **_: Any) -> None:
        sent[event_name.rsplit(".", 1)[1]] += 1

    shared = client("dynamodb")
    shared.meta.events.register("provide-client-params.dynamodb.*", count)
    try:
        # A class bound to a table nobody used yet, so its connection is built now
        model = bound(OutboxEvent, fresh_cloud.table("Tasks"))
        item = _event(model, "evt_fresh")
        item.save()
        assert model.get("evt_fresh", "EVENT", consistent_read=True).detail_type == "T"
        item.delete()
        assert model._get_connection().connection.client is shared
    finally:
        shared.meta.events.unregister("provide-client-params.dynamodb.*", count)
    assert sent == Counter(PutItem=1, GetItem=1, DeleteItem=1)
