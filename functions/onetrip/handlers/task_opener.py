"""Lambda entry for the petition task queue: opens the task the workflow waits on."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from onetrip.dal.petitions import PetitionStore
from onetrip.dal.tasks import TaskStore
from onetrip.domain.petition import utc_now
from onetrip.logic.tasks import OpenTaskRequest, open_task
from onetrip.settings import get_settings

logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)


@lru_cache(maxsize=1)
def _stores() -> tuple[PetitionStore, TaskStore]:
    settings = get_settings()
    return (
        PetitionStore(settings.petitions_table),
        TaskStore(settings.tasks_table, settings.petitions_table),
    )


def _record(record: SQSRecord) -> None:
    petitions, tasks = _stores()
    open_task(petitions, tasks, OpenTaskRequest.model_validate_json(record.body), utc_now())


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # Failed records go back to the queue (and after maxReceiveCount to its DLQ).
    response = process_partial_response(
        event=event, record_handler=_record, processor=processor, context=context
    )
    return dict(response)
