"""Lambda entry: the webhook signer (SQS batches of AgencyNotificationDue).

Signs each notification just before delivery and puts AgencyNotificationSigned on the
bus, where the agency's rule hands it to its EventBridge API destination. A record that
fails is retried by the queue and signed afresh (a fresh timestamp each time).
"""

from __future__ import annotations

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from onetrip.clock import now
from onetrip.events import AgencyNotificationDue
from onetrip.handlers import wiring
from onetrip.handlers.queue import event_of, queue_handler
from onetrip.logic.agency_changes import signed
from onetrip.settings import get_settings

logger = Logger()


def _record_handler(record: SQSRecord) -> None:
    due = AgencyNotificationDue.model_validate(event_of(record)[1])
    bus = wiring.webhook_bus(get_settings())
    notification = signed(due, bus.secrets_at, now())
    bus.put(notification)
    logger.info(
        "notification signed",
        extra={"agency": due.agency, "webhookId": notification.webhook_id},
    )


handler = queue_handler(_record_handler)
