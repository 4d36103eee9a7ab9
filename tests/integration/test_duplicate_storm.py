"""Duplicate storm: every linked-update message delivered two or three times, in shuffled
order, across waves of changes to the same persons → nothing applied twice, nothing
rolled back, every agency record equal to the registry, every application completed once.

`make test` runs 12 changes (84 linked updates); `make soak` runs 500 (figures and
timings in docs/reliability.md).
"""

from __future__ import annotations

import random
import time
from typing import Any

import pytest

from tests.support.storm import Storm


def run_storm(cloud: Any, persons: int, waves: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    storm = Storm(cloud, rng)
    started = time.monotonic()
    # Given persons known to all seven agencies, and waves of approved changes whose
    # linked-update messages are all taken off the queues before any is consumed
    storm.register(persons)
    taken: list[tuple[str, str]] = []
    for wave in range(waves):
        assert all(r.status == 200 for r in storm.wave(wave))
        taken += storm.take_messages()
    assert len(taken) == persons * waves * 7

    # When each comes back two or three times, all shuffled together
    copies = [m for m in taken for _ in range(rng.choice((2, 3)))]
    rng.shuffle(copies)
    storm.send(copies)
    report = cloud.deliver(max_rounds=10_000)

    # Then every application completed once and every record mirrors the registry
    assert report.drained and not report.errors, report.errors[:1]
    storm.assert_every_application_completed_once()
    storm.assert_every_record_mirrors_the_registry()
    assert storm.outbox_left() == 0
    figures = {
        "changes": len(storm.applications),
        "messages": len(taken),
        "deliveries": sum(report.records.values()),
        "seconds": round(time.monotonic() - started, 1),
    }
    print(f"\nduplicate storm: {figures}")
    return figures


def test_a_duplicate_storm_of_12_changes_applies_each_once(fresh_cloud: Any) -> None:
    figures = run_storm(fresh_cloud, persons=4, waves=3, seed=14)
    assert figures["deliveries"] >= 2 * figures["messages"]


@pytest.mark.soak
def test_a_duplicate_storm_of_500_changes_applies_each_once(fresh_cloud: Any) -> None:
    figures = run_storm(fresh_cloud, persons=100, waves=5, seed=500)
    assert figures["changes"] == 500
    assert figures["deliveries"] >= 2 * figures["messages"]
