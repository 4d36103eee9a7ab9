"""Lambda entry for the AcknowledgementSweep schedule: remind agencies past deadline."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from onetrip.clock import scheduled_time
from onetrip.handlers import wiring
from onetrip.logic.agency_changes import remind_overdue
from onetrip.settings import get_settings

logger = Logger()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # "Now" is the scheduled instant: a repeated invocation finds nothing more to do.
    reminded = remind_overdue(
        wiring.acknowledgement_reminders(get_settings()), scheduled_time(event)
    )
    return {"reminded": reminded}
