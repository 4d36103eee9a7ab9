"""Lambda entry for the petition task queue: opens the task the workflow waits on."""

from __future__ import annotations

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
from onetrip.handlers import wiring
from onetrip.logic.tasks import OpenTaskRequest, open_task
from onetrip.settings import get_settings

logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)


def _record(record: SQSRecord) -> None:
    stores = wiring.petition_workflow(get_settings())
    request = OpenTaskRequest.model_validate_json(record.body)
    open_task(stores.petitions, stores.tasks, request, now())


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # Failed records go back to the queue (and after maxReceiveCount to its DLQ).
    response = process_partial_response(
        event=event, record_handler=_record, processor=processor, context=context
    )
    return dict(response)
