"""Lambda entry for the ReminderSweep schedule (rate 15 minutes)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from onetrip.clock import scheduled_time
from onetrip.handlers import wiring
from onetrip.logic.reminders import sweep
from onetrip.settings import get_settings

logger = Logger()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # "Now" is the scheduled instant, not the clock: a late or repeated invocation
    # computes the same reminders.
    stores = wiring.petition_workflow(get_settings())
    result = sweep(stores.tasks, scheduled_time(event))
    return {"tasks": result.tasks, "recorded": result.recorded, "escalated": result.escalated}
