"""The runtime's own moving parts on the probe stack: worker processes and pollers."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import time
from datetime import UTC, datetime, timedelta

import pytest
from onetrip_local.harness import LocalCloud
from onetrip_local.pollers import Poller
from onetrip_local.provision import Schedule
from onetrip_local.scheduler import Scheduler
from onetrip_local.workers import InvocationError, Worker, WorkerPool

from tests.local.probe_stack import PROBE_CODE


def _pool(cloud: LocalCloud, *names: str) -> WorkerPool:
    functions = {cloud.function(n).logical_id: cloud.function(n) for n in names}
    environments = {lid: cloud.env_for(lid) for lid in functions}
    return WorkerPool(functions, environments, [PROBE_CODE])


def test_a_worker_runs_its_function_with_its_own_environment_and_survives_a_kill(
    probe: LocalCloud,
) -> None:
    pool = _pool(probe, "Echo")
    (echo,) = pool.workers
    try:
        result = pool.invoke(echo, {"hello": "world"})
        body = json.loads(result["body"])
        assert body["event"] == {"hello": "world"}
        assert body["env"]["TABLE_NAME"] == probe.table("Things")
        first = pool.workers[echo].status()

        os.kill(first.pid or 0, signal.SIGKILL)
        time.sleep(0.2)
        again = pool.invoke(echo, {"n": 2})  # a cold start in a new process
        assert json.loads(again["body"])["event"] == {"n": 2}
        status = pool.workers[echo].status()
        assert status.pid != first.pid and status.restarts == 1
        assert status.invocations == 2
    finally:
        pool.stop_all()


def test_a_function_error_reaches_the_caller(probe: LocalCloud) -> None:
    pool = _pool(probe, "Consumer")
    (consumer,) = pool.workers
    try:
        with pytest.raises(InvocationError, match="KeyError"):
            pool.invoke(consumer, {"not": "an sqs event"})
    finally:
        pool.stop_all()


def test_the_poller_deletes_successes_and_leaves_failures_for_the_visibility_timeout(
    probe: LocalCloud,
) -> None:
    # Given three messages on the queue, one the consumer will report as failed
    sqs = probe.boto("sqs")
    url = probe.queue_url("Work")
    for body in ({"id": "p1"}, {"id": "p2", "fail": True}, {"id": "p3"}):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(body))
    mapping = next(m for m in probe.topology.event_source_mappings)
    poller = Poller(mapping, probe.topology.queues[mapping.queue], sqs, probe.invoke, "us-east-1")

    # When the poller runs one long-poll round
    poller.start()
    deadline = time.monotonic() + 10
    items: list[dict[str, object]] = []
    while time.monotonic() < deadline and len(items) < 2:
        items = probe.boto("dynamodb").scan(TableName=probe.table("Things"))["Items"]
        time.sleep(0.1)
    poller.stop()
    poller.join(timeout=10)

    # Then the successes are stored and gone; the failure is in flight until it times out
    assert sorted(i["pk"]["S"] for i in items) == ["p1", "p3"]  # type: ignore[index]
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessages"] == "0"
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "1"


def test_the_scheduler_fires_a_schedule_on_time_with_its_instant() -> None:
    # Given a one-time schedule two seconds from now
    at = (datetime.now(UTC) + timedelta(seconds=2)).replace(microsecond=0, tzinfo=None)
    schedule = Schedule("Soon", "soon", "arn:aws:scheduler:::schedule/default/soon",
                        f"at({at.isoformat()})", "Ticker")  # fmt: skip
    fired: list[tuple[str, dict[str, object]]] = []
    scheduler = Scheduler([schedule], lambda fn, event: fired.append((fn, event)),
                          region="us-east-1", account="123456789012")  # fmt: skip

    # When the scheduler runs for a few seconds
    scheduler.start()
    deadline = time.monotonic() + 10
    while not fired and time.monotonic() < deadline:
        time.sleep(0.1)
    scheduler.stop()
    scheduler.join(timeout=5)

    # Then the target was invoked once, with the scheduled instant as the event's time
    assert [(fn, event["time"]) for fn, event in fired] == [("Ticker", f"{at.isoformat()}Z")]


def _slow_import_worker(probe: LocalCloud, **env: str) -> Worker:
    # A 1 s timeout and a 2 s import: the import must not count against the timeout.
    spec = dataclasses.replace(probe.function("Ticker"), handler="slow_import.handler", timeout=1)
    (pool_env,) = _pool(probe, "Ticker").workers.values()
    return Worker(spec, {**pool_env._env, "ONETRIP_LOCAL_HANDLER": spec.handler, **env})


def test_a_cold_import_longer_than_the_timeout_is_init_not_a_timeout(probe: LocalCloud) -> None:
    worker = _slow_import_worker(probe, PROBE_IMPORT_SECONDS="2")
    try:
        assert worker.invoke({"n": 1}) == {"received": {"n": 1}}
        assert worker.status().restarts == 0
    finally:
        worker.stop()


def test_an_import_error_is_reported_on_every_invocation(probe: LocalCloud) -> None:
    worker = _slow_import_worker(probe, PROBE_IMPORT_FAILS="1")
    try:
        for _ in range(2):
            with pytest.raises(InvocationError, match="Runtime.ImportModuleError"):
                worker.invoke({})
    finally:
        worker.stop()
