"""The Lambda entry every event consumer shares: an SQS batch of EventBridge events, one
record at a time, failures reported per record (partial batch responses) so only those
come back."""

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

LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def event_of(record: SQSRecord) -> tuple[str, dict[str, Any]]:
    """The (detail-type, detail) of the EventBridge event a record carries."""
    envelope = json.loads(record.body)
    return str(envelope["detail-type"]), dict(envelope["detail"])


def sqs_batch_entry(record_handler: Callable[[SQSRecord], None], logger: Logger) -> LambdaHandler:
    """The handler: `record_handler` for each record; a record that raises is retried
    (then dead-lettered), the others are done."""
    processor = BatchProcessor(event_type=EventType.SQS)

    @logger.inject_lambda_context
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return process_partial_response(  # type: ignore[return-value]
            event=event, record_handler=record_handler, processor=processor, context=context
        )

    return handler
