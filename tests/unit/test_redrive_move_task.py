"""`onetrip ops redrive`'s native path: SQS's StartMessageMoveTask.

moto (5.2.5 here) does not implement StartMessageMoveTask (getmoto/moto#10265 is still
open), so the local runtime takes the receive → send → delete path (tests/integration/
test_ops.py). This path runs on a real botocore SQS client whose responses come from
botocore's Stubber, which checks every request against the service model: the calls and
their parameters are exactly what AWS would receive.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from onetrip_ops import queues
from onetrip_ops.target import Target, TargetError

REGION = "cn-north-1"
ACCOUNT = "123456789012"
DLQ_URL = f"https://sqs.{REGION}.amazonaws.com.cn/{ACCOUNT}/WaterDeadLetters"
SOURCE_URL = f"https://sqs.{REGION}.amazonaws.com.cn/{ACCOUNT}/WaterQueue"
DLQ_ARN = f"arn:aws-cn:sqs:{REGION}:{ACCOUNT}:WaterDeadLetters"
SOURCE_ARN = f"arn:aws-cn:sqs:{REGION}:{ACCOUNT}:WaterQueue"


@pytest.fixture
def sqs() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client(
        "sqs", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queues.time, "sleep", lambda _: None)


def target(client: Any) -> Target:
    return Target(
        client=lambda service: client,
        queues={"WaterDeadLetters": DLQ_URL, "WaterQueue": SOURCE_URL},
    )


def expect_lookup(stubber: Stubber) -> None:
    """The source queue of the DLQ, then both ARNs (what StartMessageMoveTask takes)."""
    stubber.add_response(
        "list_dead_letter_source_queues", {"queueUrls": [SOURCE_URL]}, {"QueueUrl": DLQ_URL}
    )
    for url, arn in ((DLQ_URL, DLQ_ARN), (SOURCE_URL, SOURCE_ARN)):
        stubber.add_response(
            "get_queue_attributes",
            {"Attributes": {"QueueArn": arn}},
            {"QueueUrl": url, "AttributeNames": ["QueueArn"]},
        )


def task(status: str, moved: int, **extra: Any) -> dict[str, Any]:
    return {
        "Results": [
            {
                "SourceArn": DLQ_ARN,
                "DestinationArn": SOURCE_ARN,
                "Status": status,
                "ApproximateNumberOfMessagesMoved": moved,
                "ApproximateNumberOfMessagesToMove": 3,
                **extra,
            }
        ]
    }


LIST = {"SourceArn": DLQ_ARN, "MaxResults": 1}


def test_sqs_moves_the_messages_itself_and_the_count_is_the_task_s(sqs: Any) -> None:
    client, stubber = sqs
    expect_lookup(stubber)
    stubber.add_response(
        "start_message_move_task",
        {"TaskHandle": "handle-1"},
        {"SourceArn": DLQ_ARN, "DestinationArn": SOURCE_ARN},
    )
    stubber.add_response("list_message_move_tasks", task("RUNNING", 1), LIST)
    stubber.add_response("list_message_move_tasks", task("COMPLETED", 3), LIST)
    seen: list[str] = []

    result = queues.redrive(target(client), "water", progress=seen.append)

    assert result == queues.RedriveResult("WaterDeadLetters", "WaterQueue", 3, "move-task")
    assert seen == ["moving… 1 so far"]


def test_a_failed_move_task_is_an_error_naming_its_reason(sqs: Any) -> None:
    client, stubber = sqs
    expect_lookup(stubber)
    stubber.add_response("start_message_move_task", {"TaskHandle": "handle-2"})
    stubber.add_response(
        "list_message_move_tasks", task("FAILED", 0, FailureReason="AWS.SimpleQueueService.X"), LIST
    )

    with pytest.raises(TargetError, match="FAILED: AWS.SimpleQueueService.X"):
        queues.redrive(target(client), "WaterDeadLetters")


def test_an_sqs_without_move_tasks_falls_back_to_moving_them_by_hand(sqs: Any) -> None:
    client, stubber = sqs
    expect_lookup(stubber)
    stubber.add_client_error(
        "start_message_move_task", service_error_code="UnsupportedOperation", http_status_code=400
    )
    stubber.add_response(
        "receive_message",
        {"Messages": [{"MessageId": "m1", "ReceiptHandle": "r1", "Body": '{"id": 1}'}]},
    )
    stubber.add_response(
        "send_message_batch",
        {"Successful": [{"Id": "0", "MessageId": "m1b", "MD5OfMessageBody": "x"}], "Failed": []},
        {"QueueUrl": SOURCE_URL, "Entries": [{"Id": "0", "MessageBody": '{"id": 1}'}]},
    )
    stubber.add_response(
        "delete_message_batch",
        {"Successful": [{"Id": "0"}], "Failed": []},
        {"QueueUrl": DLQ_URL, "Entries": [{"Id": "0", "ReceiptHandle": "r1"}]},
    )
    stubber.add_response("receive_message", {"Messages": []})

    result = queues.redrive(target(client), "water")

    assert (result.moved, result.failed, result.method) == (1, 0, "receive-send-delete")
