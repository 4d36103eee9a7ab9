"""Lambda entry: notifications from partner cities (跨市通办), SQS batches from the queue
the inbound rule fills. Each is pulled, mirrored and acknowledged at the partner
(onetrip.logic.partner_changes); a failure is retried by the queue, and what the queue
gives up on waits in its DLQ (alarmed) while the partner's sweep reminds after its
deadline, so nothing is lost."""

from __future__ import annotations

import json

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from onetrip.domain import partners
from onetrip.events import AgencyNotificationDue
from onetrip.handlers import wiring
from onetrip.handlers.queue import queue_handler
from onetrip.logic import partner_changes
from onetrip.settings import get_settings

logger = Logger()


def _record_handler(record: SQSRecord) -> None:
    settings = get_settings()
    envelope = json.loads(record.body)
    due = AgencyNotificationDue.model_validate(envelope["detail"])
    sender = partners.sender(partners.parse(settings.partners), envelope.get("account"))
    if sender is None:
        raise LookupError("a notification from an account that is no partner")
    logger.append_keys(applicationId=due.application_id, partner=sender.city)
    result = partner_changes.receive(
        wiring.agency_records(settings), wiring.partner_api(settings, sender.city),
        settings.city, due,
    )  # fmt: skip
    logger.info("partner notification settled", extra={"result": result})


handler = queue_handler(_record_handler)
