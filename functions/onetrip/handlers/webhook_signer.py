"""Lambda entry: the webhook signer (SQS batches of AgencyNotificationDue).

Signs each notification just before delivery and puts AgencyNotificationSigned on the
bus, where the agency's rule hands it to its EventBridge API destination. A record that
fails is retried by the queue and signed afresh (a fresh timestamp each time).
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from onetrip.clock import now
from onetrip.events import AgencyNotificationDue
from onetrip.handlers import wiring
from onetrip.logic.agency_changes import signed
from onetrip.settings import get_settings

logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)


def _record_handler(record: SQSRecord) -> None:
    due = AgencyNotificationDue.model_validate(json.loads(record.body)["detail"])
    bus = wiring.webhook_bus(get_settings())
    notification = signed(due, bus.secret_of, now())
    bus.put(notification)
    logger.info(
        "notification signed",
        extra={"agency": due.agency, "webhookId": notification.webhook_id},
    )


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(  # type: ignore[return-value]
        event=event, record_handler=_record_handler, processor=processor, context=context
    )
