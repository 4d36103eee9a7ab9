"""Lambda entry: the scheduled outbox relay publishes events a crash left unpublished."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from onetrip import metrics
from onetrip.clock import scheduled_time
from onetrip.dal.outbox import Outbox
from onetrip.settings import get_settings

logger = Logger()

# Younger events are most likely still being published by the request that wrote them.
GRACE = timedelta(seconds=30)


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = get_settings()
    outbox = Outbox(settings.outbox_table, settings.event_bus_name)
    # "Now" is the schedule's time, so a replayed or late invocation judges ages correctly.
    now = scheduled_time(event)
    stragglers = outbox.stragglers(before=now - GRACE)
    # Before publishing: an item found twice in a row is older than one sweep interval.
    oldest = now - datetime.fromisoformat(stragglers[0].created_at) if stragglers else None
    metrics.count(metrics.Metric.OUTBOX_OLDEST_AGE, oldest.total_seconds() if oldest else 0)
    published = outbox.publish(stragglers) if stragglers else 0
    logger.info("outbox relay", extra={"found": len(stragglers), "published": published})
    return {"found": len(stragglers), "published": published}
