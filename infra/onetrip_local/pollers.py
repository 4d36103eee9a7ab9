"""SQS event source mappings: one long-polling thread per mapping, as Lambda's pollers.

Failures (reported in batchItemFailures, raised, timed out, or a dead worker) stay on
the queue and come back after the visibility timeout; moto redrives them to the DLQ
after maxReceiveCount receives.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from onetrip_local.esm import receive_batch, run_batch
from onetrip_local.provision import EventSourceMapping, Queue

log = logging.getLogger("onetrip.local.pollers")

LONG_POLL_SECONDS = 2  # short enough that Ctrl-C stops every poller quickly


class Poller(threading.Thread):
    def __init__(
        self,
        mapping: EventSourceMapping,
        queue: Queue,
        sqs: Any,
        invoke: Callable[[str, Any], Any],
        region: str,
    ) -> None:
        super().__init__(name=f"poller-{mapping.logical_id}", daemon=True)
        self.mapping, self.queue, self._sqs = mapping, queue, sqs
        self._invoke, self._region = invoke, region
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                self._poll_once()
            except Exception:
                if not self._stop_event.is_set():
                    log.exception("poller %s failed; retrying", self.mapping.logical_id)
                    self._stop_event.wait(1)

    def _poll_once(self) -> None:
        messages = receive_batch(
            self._sqs, self.queue, self.mapping, wait_seconds=LONG_POLL_SECONDS
        )
        if not messages or self._stop_event.is_set():
            return
        outcome = run_batch(
            self._sqs, self.queue, self.mapping, messages,
            lambda event: self._invoke(self.mapping.function, event),
            region=self._region, retry_now=False,
        )  # fmt: skip
        if outcome.error:
            log.warning(
                "%s: batch of %d failed, left for redelivery after %d s: %s",
                self.mapping.function, outcome.records, self.queue.visibility_timeout,
                outcome.error.strip().splitlines()[-1],
            )  # fmt: skip
        elif outcome.failed:
            log.info("%s: %d of %d records failed", self.mapping.function,
                     outcome.failed, outcome.records)  # fmt: skip

    def stop(self) -> None:
        self._stop_event.set()
