"""Lambda entry for the ReminderSweep schedule (rate 15 minutes)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from onetrip.dal.outbox import Outbox
from onetrip.dal.tasks import TaskStore
from onetrip.domain.petition import parse_instant, utc_now
from onetrip.logic.reminders import sweep
from onetrip.settings import get_settings

logger = Logger()


@lru_cache(maxsize=1)
def _tasks() -> TaskStore:
    settings = get_settings()
    outbox = Outbox(settings.outbox_table, settings.event_bus_name)
    return TaskStore(settings.tasks_table, settings.petitions_table, outbox)


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # "Now" is the scheduled instant, not the clock: a late or repeated invocation
    # computes the same reminders.
    scheduled = event.get("time") if isinstance(event, dict) else None
    now = parse_instant(scheduled) if scheduled else utc_now()
    result = sweep(_tasks(), now)
    return {"tasks": result.tasks, "recorded": result.recorded, "escalated": result.escalated}
