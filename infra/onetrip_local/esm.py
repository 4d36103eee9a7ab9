"""One batch of an SQS event source mapping, as Lambda's poller handles it: receive,
invoke, delete what succeeded, leave what failed for redelivery."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from onetrip_local.provision import EventSourceMapping, Queue
from onetrip_local.triggers import failed_message_ids, sqs_event


@dataclass(frozen=True)
class BatchOutcome:
    records: int
    failed: int
    error: str | None = None  # traceback / reason when the invocation itself failed


def receive_batch(
    sqs: Any, queue: Queue, mapping: EventSourceMapping, *, wait_seconds: int = 0
) -> list[dict[str, Any]]:
    """Up to batch_size messages, waiting up to the batching window to fill the batch."""
    messages: list[dict[str, Any]] = []
    window_ends = time.monotonic() + mapping.batching_window
    wait = wait_seconds
    while len(messages) < mapping.batch_size:
        got = sqs.receive_message(
            QueueUrl=queue.url,
            MaxNumberOfMessages=min(10, mapping.batch_size - len(messages)),
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=wait,
        ).get("Messages", [])
        messages.extend(got)
        if not got and (not messages or time.monotonic() >= window_ends):
            break
        wait = 0
        if not got:
            time.sleep(0.05)
    return messages


def run_batch(
    sqs: Any,
    queue: Queue,
    mapping: EventSourceMapping,
    messages: list[dict[str, Any]],
    invoke: Callable[[dict[str, Any]], Any],
    *,
    region: str,
    retry_now: bool,
) -> BatchOutcome:
    """Invoke with the batch and settle it. `retry_now` makes failures visible at once
    (tests); otherwise they come back after the queue's visibility timeout, as in AWS."""
    event = sqs_event(messages, queue, region)
    error = None
    try:
        result = invoke(event)
        failed = failed_message_ids(
            result, event, reports_failures=mapping.report_batch_item_failures
        )
    except Exception:
        error = traceback.format_exc()
        failed = {m["MessageId"] for m in messages}
    done = [m for m in messages if m["MessageId"] not in failed]
    for chunk in _entries(done):
        sqs.delete_message_batch(QueueUrl=queue.url, Entries=chunk)
    if retry_now:
        retry = [m for m in messages if m["MessageId"] in failed]
        for chunk in _entries(retry):
            entries = [{**entry, "VisibilityTimeout": 0} for entry in chunk]
            sqs.change_message_visibility_batch(QueueUrl=queue.url, Entries=entries)
    return BatchOutcome(records=len(messages), failed=len(failed), error=error)


def _entries(messages: list[dict[str, Any]]) -> list[list[dict[str, str]]]:
    entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
    return [entries[i : i + 10] for i in range(0, len(entries), 10)]
