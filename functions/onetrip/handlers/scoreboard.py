"""Lambda entry: the Scoreboard consumer (SQS batches of the events it counts)."""

from __future__ import annotations

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from onetrip.handlers import wiring
from onetrip.handlers.queue import event_of, queue_handler
from onetrip.logic import scoreboard
from onetrip.settings import get_settings

logger = Logger()


def _record_handler(record: SQSRecord) -> None:
    detail_type, detail = event_of(record)
    counted = scoreboard.count(wiring.scoreboard(get_settings()), detail_type, detail)
    logger.info("event counted", extra={"detailType": detail_type, "counted": counted})


handler = queue_handler(_record_handler)
