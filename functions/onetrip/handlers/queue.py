"""The one shape of every SQS-batch consumer: each record on its own, partial batch
responses (a failed record is retried alone; the rest of the batch is not redelivered)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]

logger = Logger()


def event_of(record: SQSRecord) -> tuple[str, dict[str, Any]]:
    """The (detail-type, detail) of the EventBridge event a record carries."""
    envelope = json.loads(record.body)
    return str(envelope["detail-type"]), dict(envelope["detail"])


def queue_handler(record_fn: Callable[[SQSRecord], None]) -> Handler:
    """A Lambda handler that runs `record_fn` on every record of an SQS batch."""
    processor = BatchProcessor(event_type=EventType.SQS)

    @logger.inject_lambda_context
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return process_partial_response(  # type: ignore[return-value]
            event=event, record_handler=record_fn, processor=processor, context=context
        )

    return handler
