"""Lambda entry: one agency's linked-update consumer (SQS batch from its queue and DLQ)."""

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

from onetrip.events import IdentityChanged, LinkedUpdateRetryRequested
from onetrip.logic import linked_updates
from onetrip.routing import Agency
from onetrip.settings import get_settings

logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)


def _record_handler(record: SQSRecord) -> None:
    settings = get_settings()
    agency = Agency(settings.agency)
    envelope = json.loads(record.body)
    detail = envelope["detail"]
    if envelope.get("detail-type") == LinkedUpdateRetryRequested.detail_type:
        retry = LinkedUpdateRetryRequested.model_validate(detail)
        application_id, person_id = retry.application_id, retry.person_id
    else:
        change = IdentityChanged.model_validate(detail)
        application_id, person_id = change.application_id, change.person_id
    stores = linked_updates.LinkedStores.from_settings(settings)
    logger.append_keys(applicationId=application_id, agency=agency.value)
    if record.event_source_arn == settings.dead_letter_queue_arn:
        deliveries = settings.max_receive_count
        linked_updates.give_up(stores, agency, application_id, deliveries)
        logger.warning("linked update failed for good")
        return
    try:
        status = linked_updates.apply(stores, agency, application_id, person_id)
    except Exception as error:
        # Keep the type and a short, PII-free reason; full details stay in this log line.
        reason = f"{type(error).__name__}: {str(error)[:200]}"
        linked_updates.note_failure(stores, agency, application_id, reason)
        raise
    logger.info("linked update settled", extra={"status": status})


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(  # type: ignore[return-value]
        event=event, record_handler=_record_handler, processor=processor, context=context
    )
