"""Lambda entry: the Notifier (SQS batches of the outcomes citizens are told about)."""

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

from onetrip.handlers import wiring
from onetrip.logic import notifications
from onetrip.settings import get_settings

logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)


def _record_handler(record: SQSRecord) -> None:
    envelope = json.loads(record.body)
    stores = wiring.notices(get_settings())
    sent = notifications.notify(stores, envelope["detail-type"], envelope["detail"])
    logger.info("outcome notified", extra={"detailType": envelope["detail-type"], "sent": sent})


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(  # type: ignore[return-value]
        event=event, record_handler=_record_handler, processor=processor, context=context
    )
