"""Transactional outbox: an event is written in the same transaction as the change it
announces, published after commit, and deleted once EventBridge has accepted it. The
scheduled relay publishes whatever a crash left behind, so no event is ever lost (some
may be published twice; every consumer is idempotent).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from onetrip.clock import iso, new_id, now
from onetrip.dal.aws import client
from onetrip.dal.dynamo import from_item, to_item, values
from onetrip.dal.transact import Write
from onetrip.events import EventDetail

logger = Logger(child=True)

_PUT_EVENTS_MAX = 10  # EventBridge PutEvents accepts at most 10 entries per call


class Outbox:
    def __init__(self, table: str, bus_name: str) -> None:
        self.table = table
        self.bus_name = bus_name

    def entry(self, event: EventDetail) -> tuple[Write, dict[str, Any]]:
        """A transaction item holding `event`, and the item itself for publishing."""
        item = {
            "pk": new_id("evt"),
            "sk": "EVENT",
            "source": event.source,
            "detailType": event.detail_type,
            "detail": event.to_json(),
            "createdAt": iso(now()),
        }
        return Write("outbox", {"Put": {"TableName": self.table, "Item": to_item(item)}}), item

    def publish(self, items: list[dict[str, Any]]) -> int:
        """Put the events on the bus and delete those accepted; returns how many were."""
        published = 0
        for start in range(0, len(items), _PUT_EVENTS_MAX):
            chunk = items[start : start + _PUT_EVENTS_MAX]
            response = client("events").put_events(
                Entries=[
                    {
                        "Source": i["source"],
                        "DetailType": i["detailType"],
                        "Detail": i["detail"],
                        "EventBusName": self.bus_name,
                    }
                    for i in chunk
                ]
            )
            for item, result in zip(chunk, response.get("Entries", []), strict=False):
                if result.get("EventId") and not result.get("ErrorCode"):
                    self._delete(item)
                    published += 1
                else:
                    logger.warning(
                        "event not accepted; the relay will retry",
                        extra={"outboxId": item["pk"], "errorCode": result.get("ErrorCode")},
                    )
        return published

    def publish_quietly(self, items: list[dict[str, Any]]) -> None:
        """After commit: a failure here is not the caller's problem, the relay retries."""
        try:
            self.publish(items)
        except Exception:  # noqa: BLE001 - the committed change stands; the relay publishes
            logger.exception("publishing after commit failed; left for the outbox relay")

    def stragglers(self, *, before: datetime) -> list[dict[str, Any]]:
        """Events committed before `before` and still unpublished.

        A scan: the table holds only in-flight events (normally none), so it stays tiny.
        """
        cutoff = iso(before)
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "FilterExpression": "createdAt <= :cutoff",
            "ExpressionAttributeValues": values({":cutoff": cutoff}),
            "ConsistentRead": True,
        }
        while True:
            response = client("dynamodb").scan(**kwargs)
            items += [from_item(i) for i in response.get("Items", [])]
            if "LastEvaluatedKey" not in response:
                return sorted(items, key=lambda i: str(i["createdAt"]))
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _delete(self, item: dict[str, Any]) -> None:
        client("dynamodb").delete_item(
            TableName=self.table, Key=to_item({"pk": item["pk"], "sk": item["sk"]})
        )


def detail_of(item: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(item["detail"]))
