"""Handlers of the test-only probe stack: they report what the local runtime gave them."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

# Built at import (the init phase), as a Lambda function should: creating a boto3
# resource takes seconds on a loaded machine and must not eat the 3 s timeout.
_DYNAMODB = boto3.resource("dynamodb")


def consume(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Stores each record's body; a body with "fail": true is reported as a failure."""
    table = _DYNAMODB.Table(os.environ["TABLE_NAME"])
    failures = []
    for record in event["Records"]:
        body = json.loads(record["body"])
        if body.get("fail"):
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        table.put_item(
            Item={
                "pk": body["id"],
                "sk": "seen",
                "receiveCount": record["attributes"]["ApproximateReceiveCount"],
                "source": record["eventSourceARN"],
            }
        )
    return {"batchItemFailures": failures}


def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Returns the event it got, plus the function's view of its environment."""
    seen = {"event": event, "env": {"TABLE_NAME": os.environ.get("TABLE_NAME")}}
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps(seen)}  # fmt: skip


def tick(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"received": event, "function": context.function_name}
