"""The local moto's DynamoDB speed-ups (onetrip_local.moto_dynamodb) change no outcome:
- the item-sized transaction rollback keeps DynamoDB's all-or-nothing TransactWriteItems
  (API reference: "either all of them succeed or none of them"): a cancelled transaction
  leaves every table exactly as it was, whatever mix of Put, Update and Delete, on tables
  with and without a sort key, it held;
- the partition-sized Query returns what moto's own Query returns, page by page.

They run on the process's shared moto server (the one every LocalCloud uses), in a region
no stack uses, and delete their tables: `moto.mock_aws` would wipe the shared backends
on exit, and with them every live cloud's tables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table
from onetrip_local import moto_dynamodb
from onetrip_local.harness import _shared_server

REGION = "eu-north-1"  # no stack here uses it


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    server = _shared_server()  # installs the speed-ups (MotoServer does)
    client = boto3.client(  # type: ignore[call-overload]
        "dynamodb", endpoint_url=server.endpoint_url, region_name=REGION,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    try:
        client.create_table(
            TableName="Records",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "g", "AttributeType": "S"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "byG",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
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
        for table in client.list_tables()["TableNames"]:
            client.delete_table(TableName=table)


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


def _pages(client: Any, **query: Any) -> list[tuple[list[dict[str, Any]], Any]]:
    """Every page of the query: its items and its LastEvaluatedKey."""
    pages, start = [], None
    while True:
        page = client.query(**query, **({"ExclusiveStartKey": start} if start else {}))
        start = page.get("LastEvaluatedKey")
        pages.append((page["Items"], start))
        if not start:
            return pages


QUERIES: list[dict[str, Any]] = [
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "p7"}}},
    {
        "KeyConditionExpression": "pk = :p AND sk >= :s",
        "ExpressionAttributeValues": {":p": {"S": "p3"}, ":s": {"S": "r13"}},
        "Limit": 4,
    },
    {
        "KeyConditionExpression": "pk = :p AND begins_with(sk, :s)",
        "ExpressionAttributeValues": {":p": {"S": "p2"}, ":s": {"S": "r1"}},
        "ScanIndexForward": False,
        "Limit": 3,
    },
    {
        "KeyConditionExpression": "pk = :p",
        "FilterExpression": "v > :v",
        "ExpressionAttributeValues": {":p": {"S": "p5"}, ":v": {"N": "9"}},
        "Limit": 5,
    },
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "none"}}},
    {
        "KeyConditionExpression": "pk = :p AND sk > :s",
        "ExpressionAttributeValues": {":p": {"S": "p4"}, ":s": {"S": "r5"}},
        "Limit": 3,
    },
    {
        "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
        "ExpressionAttributeValues": {":p": {"S": "p6"}, ":a": {"S": "r11"}, ":b": {"S": "r14"}},
        "Limit": 2,
    },
    {
        "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
        "ExpressionAttributeValues": {":p": {"S": "p6"}, ":a": {"S": "r11"}, ":b": {"S": "r14"}},
        "Limit": 4,  # exactly the run: the page says there may be more, as moto's does
    },
    {
        "KeyConditionExpression": "pk = :p AND sk <= :s",
        "ExpressionAttributeValues": {":p": {"S": "p8"}, ":s": {"S": "r12"}},
        "Limit": 2,
    },
    {
        "KeyConditionExpression": "pk = :p AND sk = :s",
        "ExpressionAttributeValues": {":p": {"S": "p9"}, ":s": {"S": "r3"}},
        "Limit": 1,
    },
    {
        "IndexName": "byG",
        "KeyConditionExpression": "g = :g",
        "ExpressionAttributeValues": {":g": {"S": "odd"}},
        "Limit": 7,
    },
]


def test_a_query_returns_what_motos_own_query_returns(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for p in range(10):
        for n in range(20):
            item = {"pk": {"S": f"p{p}"}, "sk": {"S": f"r{n}"}, "v": {"N": str(n)}}
            dynamodb.put_item(
                TableName="Records", Item={**item, "g": {"S": "odd" if n % 2 else "even"}}
            )
    windows: list[int] = []  # how many items each table query handed to moto

    cut = moto_dynamodb._window

    def window(items: list[Any], asked: dict[str, Any], sort_key: str) -> list[Any]:
        kept = cut(items, asked, sort_key)
        windows.append(len(kept))
        return kept

    monkeypatch.setattr(moto_dynamodb, "_window", window)
    ours = [_pages(dynamodb, TableName="Records", **q) for q in QUERIES]
    assert Table.query is moto_dynamodb._query
    Table.query = moto_dynamodb._moto_query  # type: ignore[method-assign]
    try:
        theirs = [_pages(dynamodb, TableName="Records", **q) for q in QUERIES]
    finally:
        Table.query = moto_dynamodb._query  # type: ignore[method-assign]
    assert ours == theirs
    # A limited forward query reads Limit + 1 items from where its condition (or its
    # ExclusiveStartKey) starts; unlimited and backward ones read the partition.
    assert windows == [
        20,  # no Limit: the partition
        5, 5, 5, 3,  # >= with Limit 4: 15 items in 4 pages
        20, 20, 20, 20,  # backwards: the partition
        6, 6, 6, 5,  # no key condition on the sort key, Limit 5
        0,  # an empty partition
        4, 1,  # > with Limit 3: r6..r9
        3, 3, 3,  # BETWEEN with Limit 2 (past the run's end too: moto reads on)
        5, 5,  # BETWEEN with Limit 4: a last, empty page, as moto's
        3, 3, 3,  # <= with Limit 2
        2, 2,  # = with Limit 1
    ]  # fmt: skip
    # string order: "r2" > "r13", "r6" > "r5" but "r50" does not exist
    assert [sum(len(items) for items, _ in pages) for pages in ours] == [
        20, 15, 11, 10, 0, 4, 4, 4, 5, 1, 100,
    ]  # fmt: skip
