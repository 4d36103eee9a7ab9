"""Lambda entry: the Notifier (SQS batches of the outcomes citizens are told about)."""

from __future__ import annotations

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from onetrip.handlers import wiring
from onetrip.handlers.queue import event_of, queue_handler
from onetrip.logic import notifications
from onetrip.settings import get_settings

logger = Logger()


def _record_handler(record: SQSRecord) -> None:
    detail_type, detail = event_of(record)
    sent = notifications.notify(wiring.notices(get_settings()), detail_type, detail)
    logger.info("outcome notified", extra={"detailType": detail_type, "sent": sent})


handler = queue_handler(_record_handler)
