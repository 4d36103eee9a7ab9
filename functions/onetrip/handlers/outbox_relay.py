"""Lambda entry: the scheduled outbox relay publishes events a crash left unpublished."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from onetrip.clock import scheduled_time
from onetrip.handlers import wiring
from onetrip.settings import get_settings

logger = Logger()

# Younger events are most likely still being published by the request that wrote them.
GRACE = timedelta(seconds=30)


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    outbox = wiring.outbox(get_settings())
    # "Now" is the schedule's time, so a replayed or late invocation judges ages correctly.
    stragglers = outbox.stragglers(before=scheduled_time(event) - GRACE)
    published = outbox.publish(stragglers) if stragglers else 0
    logger.info("outbox relay", extra={"found": len(stragglers), "published": published})
    return {"found": len(stragglers), "published": published}
