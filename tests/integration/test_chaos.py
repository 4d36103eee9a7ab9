"""Chaos: every linked-update consumer dies in 20 % of its invocations (at a random point
of its batch, so some records took effect and the whole batch comes back), and 10 % of
approvals and ops retries die between their commit and their publish. After redeliveries,
DLQ handling, outbox sweeps and ops retries: every linked update applied, none lost,
none twice, every application completed.

`make test` runs 12 changes; `make soak` runs 500 and prints the figures recorded in
docs/reliability.md.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from onetrip.clock import now
from onetrip.handlers import linked_update
from onetrip.logic import identity_changes
from onetrip.routing import Agency
from onetrip_infra.constructs.linked_updates import pascal

from tests.support.storm import Storm

CONSUMER_FAILURE_RATE = 0.2
PUBLISH_CRASH_RATE = 0.1


class Crash(Exception):
    """The process died here."""


class Chaos:
    def __init__(self, cloud: Any, rng: random.Random, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rng = rng
        self.deliveries: Counter[str] = Counter()  # messageId -> times delivered
        self.dlq_arrivals: set[str] = set()
        self.consumer_crashes = 0
        self.publish_crashes = 0
        self.approval_crashes = 0
        self._dead_letters = {cloud.queue_arn(f"{pascal(a)}DeadLetters") for a in Agency}
        real_handler = linked_update.handler
        real_transact = identity_changes.transact

        def flaky_consumer(event: dict[str, Any], context: Any) -> Any:
            records = event["Records"]
            for record in records:
                self.deliveries[record["messageId"]] += 1
                if record["eventSourceARN"] in self._dead_letters:
                    self.dlq_arrivals.add(record["body"])
            if self.rng.random() < CONSUMER_FAILURE_RATE:
                self.consumer_crashes += 1
                cut = self.rng.randrange(len(records) + 1)
                if cut:
                    real_handler({**event, "Records": records[:cut]}, context)
                raise Crash("worker died mid-batch")
            return real_handler(event, context)

        def crashing_commit(writes: Any) -> None:
            real_transact(writes)
            # Approvals and ops retries. A submission announces too (for the scoreboard),
            # but this suite drives submissions as a clerk would: not its subject.
            submission = any(w.label == "open_application" and w.verb == "put" for w in writes)
            announces = any(w.label == "outbox" for w in writes) and not submission
            if announces and self.rng.random() < PUBLISH_CRASH_RATE:
                self.publish_crashes += 1
                self.approval_crashes += any(w.label == "person" for w in writes)
                raise Crash("died between commit and publish")

        monkeypatch.setattr(linked_update, "handler", flaky_consumer)
        monkeypatch.setattr(identity_changes, "transact", crashing_commit)


def run_chaos(
    cloud: Any, monkeypatch: pytest.MonkeyPatch, persons: int, waves: int, seed: int
) -> dict[str, Any]:
    rng = random.Random(seed)
    storm = Storm(cloud, rng)
    storm.register(persons)
    started = time.monotonic()
    chaos = Chaos(cloud, rng, monkeypatch)

    # When waves of changes are approved (some approvals die after committing) and the
    # platform runs: deliveries, the outbox relay, and ops retrying what failed for good
    approvals_died = 0
    sweeps_republishing = republished = retries = 0
    for wave in range(waves):
        decisions = storm.wave(wave)
        approvals_died += sum(1 for d in decisions if d.status == 500)
        assert {d.status for d in decisions} <= {200, 500}
    for _ in range(30):
        cloud.deliver(max_rounds=10_000)
        swept = cloud.fire_schedule("OutboxRelay", now() + timedelta(minutes=1))
        if swept["published"]:
            sweeps_republishing += 1
            republished += swept["published"]
        cloud.deliver(max_rounds=10_000)
        pending = [storm.application(a) for a in storm.applications]
        unfinished = [a for a in pending if a["status"] != "completed"]
        if not unfinished and storm.outbox_left() == 0:
            break
        for application in unfinished:
            for link in application["linkedUpdates"]:
                if link["status"] == "failed":
                    retries += 1
                    storm.desk.retry(application["applicationId"], Agency(link["agency"]))
    monkeypatch.undo()

    # Then every linked update applied exactly once, every application completed
    storm.assert_every_application_completed_once()
    storm.assert_every_record_mirrors_the_registry()
    assert storm.outbox_left() == 0
    assert approvals_died == chaos.approval_crashes  # every 500 was an injected crash
    figures = {
        "changes": len(storm.applications),
        "linked_updates": len(storm.applications) * 7,
        "consumer_invocations_failed": chaos.consumer_crashes,
        "approvals_or_retries_died_before_publish": chaos.publish_crashes,
        "redeliveries": sum(chaos.deliveries.values()) - len(chaos.deliveries),
        "dlq_arrivals": len(chaos.dlq_arrivals),
        "ops_retries": retries,
        "sweeps_that_republished": sweeps_republishing,
        "events_republished": republished,
        "seconds": round(time.monotonic() - started, 1),
    }
    print(f"\nchaos: {figures}")
    return figures


def test_chaos_on_12_changes_loses_nothing_and_doubles_nothing(
    fresh_cloud: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures = run_chaos(fresh_cloud, monkeypatch, persons=4, waves=3, seed=20)
    assert figures["consumer_invocations_failed"] > 0
    assert figures["approvals_or_retries_died_before_publish"] > 0
    assert figures["sweeps_that_republished"] > 0


@pytest.mark.soak
def test_chaos_on_500_changes_loses_nothing_and_doubles_nothing(
    fresh_cloud: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures = run_chaos(fresh_cloud, monkeypatch, persons=100, waves=5, seed=500)
    assert figures["changes"] == 500
