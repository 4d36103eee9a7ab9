"""The local moto's item-sized transaction rollback keeps DynamoDB's all-or-nothing
TransactWriteItems (API reference: "either all of them succeed or none of them"): a
cancelled transaction leaves every table exactly as it was, whatever mix of Put, Update
and Delete, on tables with and without a sort key, it held."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
from onetrip_local.moto_dynamodb import item_sized_transactions

REGION = "cn-northwest-1"


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    moto_transact = DynamoDBBackend.transact_write_items
    item_sized_transactions()
    try:
        with mock_aws():
            client = boto3.client("dynamodb", region_name=REGION)
            client.create_table(
                TableName="Records",
                KeySchema=[
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "RANGE"},
                ],
                AttributeDefinitions=[
                    {"AttributeName": "pk", "AttributeType": "S"},
                    {"AttributeName": "sk", "AttributeType": "S"},
                ],
                BillingMode="PAY_PER_REQUEST",
            )
            client.create_table(
                TableName="Outbox",
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            for n in range(3):
                client.put_item(
                    TableName="Records",
                    Item={"pk": {"S": "p1"}, "sk": {"S": f"r{n}"}, "v": {"N": str(n)}},
                )
            client.put_item(TableName="Outbox", Item={"id": {"S": "o1"}, "n": {"N": "1"}})
            yield client
    finally:
        DynamoDBBackend.transact_write_items = moto_transact  # type: ignore[method-assign]


def _everything(client: Any) -> dict[str, list[dict[str, Any]]]:
    return {
        name: sorted(client.scan(TableName=name)["Items"], key=repr)
        for name in ("Records", "Outbox")
    }


def _writes(last_condition: str) -> list[dict[str, Any]]:
    """A put of a new item, an update and a delete of existing ones, a put on the other
    table, then a condition check on r2 (which holds v = 2)."""
    return [
        {"Put": {"TableName": "Records", "Item": {"pk": {"S": "p1"}, "sk": {"S": "new"}}}},
        {
            "Update": {
                "TableName": "Records",
                "Key": {"pk": {"S": "p1"}, "sk": {"S": "r0"}},
                "UpdateExpression": "SET v = v + :one, w = :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}},
            }
        },
        {"Delete": {"TableName": "Records", "Key": {"pk": {"S": "p1"}, "sk": {"S": "r1"}}}},
        {"Put": {"TableName": "Outbox", "Item": {"id": {"S": "o2"}}}},
        {
            "ConditionCheck": {
                "TableName": "Records",
                "Key": {"pk": {"S": "p1"}, "sk": {"S": "r2"}},
                "ConditionExpression": last_condition,
                "ExpressionAttributeValues": {":v": {"N": "2"}},
            }
        },
    ]


def test_a_cancelled_transaction_leaves_every_item_as_it_was(dynamodb: Any) -> None:
    tables_before = dict(dynamodb_backends["123456789012"][REGION].tables)
    before = _everything(dynamodb)
    with pytest.raises(ClientError) as cancelled:
        dynamodb.transact_write_items(TransactItems=_writes("v <> :v"))
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = [r["Code"] for r in cancelled.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "None", "None", "ConditionalCheckFailed"]
    assert _everything(dynamodb) == before
    # Rolled back in place: the tables were neither copied nor replaced.
    assert dynamodb_backends["123456789012"][REGION].tables == tables_before


def test_an_invalid_transaction_changes_nothing(dynamodb: Any) -> None:
    before = _everything(dynamodb)
    twice = _writes("v = :v")[:3] + [
        {"Delete": {"TableName": "Records", "Key": {"pk": {"S": "p1"}, "sk": {"S": "r0"}}}}
    ]
    with pytest.raises(ClientError) as refused:
        dynamodb.transact_write_items(TransactItems=twice)
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert _everything(dynamodb) == before


def test_a_transaction_that_passes_applies_every_write(dynamodb: Any) -> None:
    dynamodb.transact_write_items(TransactItems=_writes("v = :v"))
    records = {i["sk"]["S"]: i for i in dynamodb.scan(TableName="Records")["Items"]}
    assert sorted(records) == ["new", "r0", "r2"]
    assert records["r0"]["v"] == {"N": "1"} and records["r0"]["w"] == {"N": "1"}
    assert sorted(i["id"]["S"] for i in dynamodb.scan(TableName="Outbox")["Items"]) == [
        "o1",
        "o2",
    ]
