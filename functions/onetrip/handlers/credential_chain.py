"""Lambda entry: the credential re-issue consumer of IdentityChanged (SQS batch)."""

from __future__ import annotations

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from onetrip.clock import now
from onetrip.events import IdentityChanged
from onetrip.handlers import wiring
from onetrip.handlers.queue import event_of, queue_handler
from onetrip.logic.credentials import chain
from onetrip.settings import get_settings

logger = Logger()


def _record_handler(record: SQSRecord) -> None:
    change = IdentityChanged.model_validate(event_of(record)[1])
    logger.append_keys(applicationId=change.application_id)
    chain.on_identity_changed(
        wiring.credentials(get_settings()),
        application_id=change.application_id,
        person_id=change.person_id,
        registry_version=change.registry_version,
        changed_fields=change.changed_fields,
        at=now(),
    )


handler = queue_handler(_record_handler)
