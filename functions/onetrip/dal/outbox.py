"""Transactional outbox: an event is written in the same transaction as the change it
announces, published after commit, and deleted once EventBridge has accepted it. The
scheduled relay publishes whatever a crash left behind, so no event is ever lost (some
may be published twice; every consumer is idempotent).
"""

from __future__ import annotations

from datetime import datetime

from aws_lambda_powertools import Logger

from onetrip.clock import iso, new_id, now
from onetrip.dal.aws import client
from onetrip.dal.models import OutboxEvent, Write, bound
from onetrip.events import EventDetail

logger = Logger(child=True)

_PUT_EVENTS_MAX = 10  # EventBridge PutEvents accepts at most 10 entries per call


class Outbox:
    def __init__(self, table: str, bus_name: str) -> None:
        self.model = bound(OutboxEvent, table)
        self.bus_name = bus_name

    def entry(self, event: EventDetail) -> tuple[Write, OutboxEvent]:
        """A transaction item holding `event`, and the item itself for publishing."""
        item = self.model(
            new_id("evt"),
            source=event.source,
            detail_type=event.detail_type,
            detail=event.to_json(),
            created_at=iso(now()),
        )
        return Write.put("outbox", item), item

    def publish(self, items: list[OutboxEvent]) -> int:
        """Put the events on the bus and delete those accepted; returns how many were."""
        published = 0
        for start in range(0, len(items), _PUT_EVENTS_MAX):
            chunk = items[start : start + _PUT_EVENTS_MAX]
            response = client("events").put_events(
                Entries=[
                    {
                        "Source": i.source,
                        "DetailType": i.detail_type,
                        "Detail": i.detail,
                        "EventBusName": self.bus_name,
                    }
                    for i in chunk
                ]
            )
            for item, result in zip(chunk, response.get("Entries", []), strict=False):
                if result.get("EventId") and not result.get("ErrorCode"):
                    item.delete()
                    published += 1
                else:
                    logger.warning(
                        "event not accepted; the relay will retry",
                        extra={"outboxId": item.pk, "errorCode": result.get("ErrorCode")},
                    )
        return published

    def publish_quietly(self, items: list[OutboxEvent]) -> None:
        """After commit: a failure here is not the caller's problem, the relay retries."""
        try:
            self.publish(items)
        except Exception:  # noqa: BLE001 - the committed change stands; the relay publishes
            logger.exception("publishing after commit failed; left for the outbox relay")

    def stragglers(self, *, before: datetime) -> list[OutboxEvent]:
        """Events committed before `before` and still unpublished.

        A scan: the table holds only in-flight events (normally none), so it stays tiny.
        """
        found = self.model.scan(self.model.created_at <= iso(before), consistent_read=True)
        return sorted(found, key=lambda i: i.created_at)
