"""EventBridge Scheduler for the template's schedules: rate() schedules fire on time;
any schedule can be fired once, as of a given instant (`onetrip remind --at`)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from onetrip_local.provision import Schedule
from onetrip_local.template import TemplateError
from onetrip_local.triggers import rate_seconds, scheduled_event

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
        for schedule in self.schedules:
            if rate_seconds(schedule.expression) is None:
                log.warning("%s (%s) fires only on request: only rate() runs on its own",
                            schedule.name, schedule.expression)  # fmt: skip

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
        # Rate schedules start counting when they are created, as in AWS.
        started = time.monotonic()
        due = {
            s.logical_id: started + seconds
            for s in self.schedules
            if s.enabled and (seconds := rate_seconds(s.expression))
        }
        while due and not self._stop_event.is_set():
            logical_id, when = min(due.items(), key=lambda item: item[1])
            if self._stop_event.wait(max(0.0, when - time.monotonic())):
                return
            schedule = next(s for s in self.schedules if s.logical_id == logical_id)
            try:
                self.fire(schedule, datetime.now(UTC))
            except Exception as error:
                log.warning("schedule %s failed: %s", schedule.name, error)
            due[logical_id] = when + (rate_seconds(schedule.expression) or 0)

    def stop(self) -> None:
        self._stop_event.set()
