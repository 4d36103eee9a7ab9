"""Lambda entry: the credential re-issue consumer of IdentityChanged (SQS batch)."""

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

from onetrip.clock import now
from onetrip.events import IdentityChanged
from onetrip.logic.credentials import chain
from onetrip.logic.credentials.stores import CredentialStores
from onetrip.settings import get_settings

logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)


def _record_handler(record: SQSRecord) -> None:
    change = IdentityChanged.model_validate(json.loads(record.body)["detail"])
    logger.append_keys(applicationId=change.application_id)
    chain.on_identity_changed(
        CredentialStores.from_settings(get_settings()),
        application_id=change.application_id,
        person_id=change.person_id,
        registry_version=change.registry_version,
        changed_fields=change.changed_fields,
        at=now(),
    )


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(  # type: ignore[return-value]
        event=event, record_handler=_record_handler, processor=processor, context=context
    )
