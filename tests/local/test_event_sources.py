"""SQS event source mappings and schedules, as Lambda's pollers and Scheduler run them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from onetrip_local.harness import LocalCloud


def _send(cloud: LocalCloud, *bodies: dict[str, object]) -> None:
    sqs = cloud.boto("sqs")
    for body in bodies:
        sqs.send_message(QueueUrl=cloud.queue_url("Work"), MessageBody=json.dumps(body))


def _seen(cloud: LocalCloud) -> dict[str, dict[str, object]]:
    items = cloud.boto("dynamodb").scan(TableName=cloud.table("Things"))["Items"]
    return {i["pk"]["S"]: {k: v.get("S") for k, v in i.items()} for i in items}


def test_a_partial_batch_failure_leaves_only_the_failed_record(probe: LocalCloud) -> None:
    # Given three messages, one of which the consumer reports as failed
    _send(probe, {"id": "a"}, {"id": "b", "fail": True}, {"id": "c"})

    # When the event source mapping runs until the queue is empty
    report = probe.deliver()

    # Then the successes were stored once, and only the failure went round again
    assert set(_seen(probe)) == {"a", "c"}
    assert report.drained
    consumer = probe.function("Consumer").logical_id
    assert report.failures[consumer] == 2  # received twice: maxReceiveCount is 2
    # and moto redrove it to the dead-letter queue
    dlq = probe.boto("sqs").receive_message(
        QueueUrl=probe.queue_url("WorkDeadLetters"), AttributeNames=["All"]
    )["Messages"]
    assert [json.loads(m["Body"])["id"] for m in dlq] == ["b"]


def test_records_carry_the_sqs_attributes_lambda_passes(probe: LocalCloud) -> None:
    _send(probe, {"id": "d"})
    probe.deliver()
    seen = _seen(probe)["d"]
    assert seen["receiveCount"] == "1"
    assert seen["source"] == probe.queue_arn("Work")


def test_a_raising_consumer_fails_the_whole_batch(probe: LocalCloud) -> None:
    _send(probe, {"no-id": True})
    report = probe.deliver()
    assert report.errors and "KeyError" in report.errors[0]
    assert report.invocations[probe.function("Consumer").logical_id] == 2


def test_a_schedule_fires_with_the_instant_as_event_time(probe: LocalCloud) -> None:
    at = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    result = probe.fire_schedule("Ticker", at)
    assert result["received"]["time"] == "2026-03-01T08:30:00Z"
    assert result["received"]["detail-type"] == "Scheduled Event"
    assert result["function"] == probe.function("Ticker").name
