"""Lambda entry: the Notifier (SQS batches of the outcomes citizens are told about)."""

from __future__ import annotations

import json

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from onetrip.handlers import wiring
from onetrip.handlers.queue import queue_handler
from onetrip.logic import notifications
from onetrip.settings import get_settings

logger = Logger()


def _record_handler(record: SQSRecord) -> None:
    envelope = json.loads(record.body)
    stores = wiring.notices(get_settings())
    sent = notifications.notify(stores, envelope["detail-type"], envelope["detail"])
    logger.info("outcome notified", extra={"detailType": envelope["detail-type"], "sent": sent})


handler = queue_handler(_record_handler)
