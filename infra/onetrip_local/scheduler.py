"""EventBridge Scheduler for the template's schedules: rate(), cron() and at() schedules
fire on time; any schedule can be fired once, as of a given instant (`onetrip remind`)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from onetrip_local.expressions import ScheduleExpression
from onetrip_local.provision import Schedule
from onetrip_local.template import TemplateError
from onetrip_local.triggers import scheduled_event

log = logging.getLogger("onetrip.local.scheduler")


class Scheduler(threading.Thread):
    def __init__(
        self,
        schedules: Sequence[Schedule],
        invoke: Callable[[str, Any], Any],
        *,
        region: str,
        account: str,
    ) -> None:
        super().__init__(name="scheduler", daemon=True)
        self.schedules = list(schedules)
        self._invoke, self._region, self._account = invoke, region, account
        self._stop_event = threading.Event()

    def find(self, name: str) -> Schedule:
        """By schedule name, logical id, or the logical id of the function it targets."""
        for schedule in self.schedules:
            if name in (schedule.name, schedule.logical_id, schedule.function):
                return schedule
        known = ", ".join(f"{s.logical_id} → {s.function}" for s in self.schedules)
        raise TemplateError(f"no schedule {name!r} (known: {known})")

    def fire(self, schedule: Schedule, at: datetime) -> Any:
        event = scheduled_event(schedule, at, region=self._region, account=self._account)
        return self._invoke(schedule.function, event)

    def run(self) -> None:
        # Rate schedules count from their creation, as in AWS: here, the start.
        created = datetime.now(UTC)
        expressions = {
            s.logical_id: ScheduleExpression(s.expression, s.timezone)
            for s in self.schedules
            if s.enabled
        }
        due = {
            lid: when
            for lid, expression in expressions.items()
            if (when := expression.next_after(created, created=created))
        }
        while due and not self._stop_event.is_set():
            logical_id, when = min(due.items(), key=lambda item: item[1])
            wait = (when - datetime.now(UTC)).total_seconds()
            if self._stop_event.wait(max(0.0, wait)):
                return
            schedule = next(s for s in self.schedules if s.logical_id == logical_id)
            try:
                self.fire(schedule, when)
            except Exception as error:
                log.warning("schedule %s failed: %s", schedule.name, error)
            following = expressions[logical_id].next_after(when, created=created)
            if following is None:
                del due[logical_id]
            else:
                due[logical_id] = following

    def stop(self) -> None:
        self._stop_event.set()
