"""Dead-letter queues: how full they are, and moving their messages back (redrive).

The redrive asks SQS to move the messages itself (StartMessageMoveTask). Where that API
does not exist (moto, so the local runtime) or a limit is asked for, it moves them by
hand: receive a batch, send each message to the source queue, and delete it from the
dead-letter queue only once the send succeeded. A crash between send and delete can
deliver a message twice, never lose one; every consumer is idempotent (docs/decisions.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from onetrip_ops.target import Target, TargetError

# How long a received message stays hidden while it is being moved.
_MOVE_VISIBILITY_SECONDS = 60
# Error codes meaning "this SQS endpoint has no StartMessageMoveTask".
_NO_MOVE_TASK = {"InvalidAction", "UnsupportedOperation"}


@dataclass(frozen=True)
class RedriveResult:
    dead_letter_queue: str
    source_queue: str
    moved: int
    method: str  # "move-task" (SQS moved them) or "receive-send-delete"
    failed: int = 0


def depths(target: Target) -> dict[str, int]:
    """Messages in each dead-letter queue (visible + in flight)."""
    sqs = target.client("sqs")
    counts: dict[str, int] = {}
    for lid, url in sorted(target.dead_letter_queues().items()):
        attributes = sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        counts[lid] = int(attributes["ApproximateNumberOfMessages"]) + int(
            attributes["ApproximateNumberOfMessagesNotVisible"]
        )
    return counts


def redrive(
    target: Target,
    dead_letter_queue: str,
    *,
    limit: int | None = None,
    native: bool = True,
    progress: Callable[[str], None] = lambda _: None,
) -> RedriveResult:
    """Move the messages of `dead_letter_queue` (a logical id, e.g. WaterDeadLetters, or
    an agency name) back to the queue that dead-lettered them."""
    sqs = target.client("sqs")
    dlq_name = _dead_letter_name(target, dead_letter_queue)
    dlq_url = target.queue_url(dlq_name)
    source_url = _source_of(sqs, dlq_url)
    source_name = next((lid for lid, url in target.queues.items() if url == source_url), "")
    if native and limit is None and target.message_move_tasks:
        moved = _move_task(sqs, dlq_url, source_url, progress)
        if moved is not None:
            return RedriveResult(dlq_name, source_name or source_url, moved, "move-task")
    moved, failed = _receive_send_delete(sqs, dlq_url, source_url, limit, progress)
    return RedriveResult(dlq_name, source_name or source_url, moved, "receive-send-delete", failed)


def _dead_letter_name(target: Target, name: str) -> str:
    if name in target.queues:
        return name
    pascal = "".join(part.capitalize() for part in name.replace("-", "_").split("_"))
    for candidate in (f"{pascal}DeadLetters", name):
        if candidate in target.queues:
            return candidate
    raise TargetError(
        f"{name!r} is no dead-letter queue; known: {', '.join(sorted(target.dead_letter_queues()))}"
    )


def _source_of(sqs: Any, dlq_url: str) -> str:
    sources = sqs.list_dead_letter_source_queues(QueueUrl=dlq_url).get("queueUrls", [])
    if len(sources) != 1:
        raise TargetError(f"{dlq_url} is the dead-letter queue of {len(sources)} queues, not one")
    return str(sources[0])


def _arn(sqs: Any, url: str) -> str:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return str(attributes["Attributes"]["QueueArn"])


def _move_task(
    sqs: Any, dlq_url: str, source_url: str, progress: Callable[[str], None]
) -> int | None:
    """SQS moves the messages; None if this SQS cannot (then we move them ourselves)."""
    dlq_arn = _arn(sqs, dlq_url)
    try:
        sqs.start_message_move_task(SourceArn=dlq_arn, DestinationArn=_arn(sqs, source_url))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _NO_MOVE_TASK:
            progress("StartMessageMoveTask is not available here; moving messages by hand")
            return None
        raise
    while True:
        (task,) = sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=1)["Results"]
        moved = int(task.get("ApproximateNumberOfMessagesMoved", 0))
        if task["Status"] == "COMPLETED":
            return moved
        if task["Status"] in ("FAILED", "CANCELLED"):
            raise TargetError(f"message move task {task['Status']}: {task.get('FailureReason')}")
        progress(f"moving… {moved} so far")
        time.sleep(2)


def _receive_send_delete(
    sqs: Any, dlq_url: str, source_url: str, limit: int | None, progress: Callable[[str], None]
) -> tuple[int, int]:
    moved = failed = 0
    while limit is None or moved < limit:
        batch = 10 if limit is None else min(10, limit - moved)
        messages = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=batch,
            WaitTimeSeconds=1,
            VisibilityTimeout=_MOVE_VISIBILITY_SECONDS,
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            break
        entries = [
            {
                "Id": str(i),
                "MessageBody": m["Body"],
                **(
                    {"MessageAttributes": m["MessageAttributes"]}
                    if m.get("MessageAttributes")
                    else {}
                ),
            }
            for i, m in enumerate(messages)
        ]
        sent = sqs.send_message_batch(QueueUrl=source_url, Entries=entries)
        done = {s["Id"] for s in sent.get("Successful", [])}
        failed += len(messages) - len(done)
        if done:
            deleted = sqs.delete_message_batch(
                QueueUrl=dlq_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(messages)
                    if str(i) in done
                ],
            )
            # Sent but not deleted: it comes back to the DLQ later and would be sent
            # twice (harmless: consumers are idempotent); say so rather than hide it.
            for failure in deleted.get("Failed", []):
                progress(f"sent but not deleted from the DLQ: {failure.get('Message')}")
        moved += len(done)
        progress(f"moved {moved}")
        if not done:
            break  # the source queue refuses messages: stop instead of spinning
    return moved, failed
