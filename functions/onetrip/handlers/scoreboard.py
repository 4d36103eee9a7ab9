"""Lambda entry: the Scoreboard consumer (SQS batches of the events it counts)."""

from __future__ import annotations

import json

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from onetrip.handlers import wiring
from onetrip.handlers.queue import queue_handler
from onetrip.logic import scoreboard
from onetrip.settings import get_settings

logger = Logger()


def _record_handler(record: SQSRecord) -> None:
    envelope = json.loads(record.body)
    stores = wiring.scoreboard(get_settings())
    counted = scoreboard.count(stores, envelope["detail-type"], envelope["detail"])
    logger.info("event counted", extra={"detailType": envelope["detail-type"], "counted": counted})


handler = queue_handler(_record_handler)
