"""Lambda entry for the StatusListSweep schedule (rate 1 minute): republish what a
missed publish left behind and re-sign tokens before they expire."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from onetrip.clock import scheduled_time
from onetrip.handlers import wiring
from onetrip.logic.credentials import status
from onetrip.settings import get_settings

logger = Logger()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    published = status.sweep(wiring.credentials(get_settings()), scheduled_time(event))
    return {"published": published}
