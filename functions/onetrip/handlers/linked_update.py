"""Lambda entry: one agency's linked-update consumer (SQS batch from its queue and DLQ)."""

from __future__ import annotations

import json

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from onetrip.events import IdentityChanged, LinkedUpdateRetryRequested
from onetrip.handlers import wiring
from onetrip.handlers.queue import queue_handler
from onetrip.logic import linked_updates
from onetrip.routing import Agency
from onetrip.settings import Settings, get_settings

logger = Logger()


def _delivery(record: SQSRecord, settings: Settings) -> linked_updates.Delivery:
    envelope = json.loads(record.body)
    detail = envelope["detail"]
    ids: IdentityChanged | LinkedUpdateRetryRequested
    if envelope.get("detail-type") == LinkedUpdateRetryRequested.detail_type:
        ids = LinkedUpdateRetryRequested.model_validate(detail)
    else:
        ids = IdentityChanged.model_validate(detail)
    return linked_updates.Delivery(
        application_id=ids.application_id,
        person_id=ids.person_id,
        dead_lettered=record.event_source_arn == settings.dead_letter_queue_arn,
        deliveries=settings.max_receive_count,
    )


def _record_handler(record: SQSRecord) -> None:
    settings = get_settings()
    agency = Agency(settings.agency)
    delivery = _delivery(record, settings)
    logger.append_keys(applicationId=delivery.application_id, agency=agency.value)
    connector = linked_updates.Connector(
        mode=settings.connector_mode, ack_deadline_seconds=settings.ack_deadline_seconds
    )
    status = linked_updates.handle(wiring.linked(settings), agency, delivery, connector)
    if delivery.dead_lettered:
        logger.warning("linked update failed for good")
    else:
        logger.info("linked update settled", extra={"status": status})


handler = queue_handler(_record_handler)
