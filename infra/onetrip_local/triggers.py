"""The events Lambda's own pollers and EventBridge Scheduler hand to a function, and the
context object every invocation gets."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from onetrip_local.provision import FunctionSpec, Queue, Schedule

LOCAL_BASE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    # The tracer has no X-Ray daemon to talk to on a laptop.
    "POWERTOOLS_TRACE_DISABLED": "true",
}


def function_environment(spec: FunctionSpec, *, endpoint_url: str, region: str) -> dict[str, str]:
    """What Lambda would set, pointed at moto: the template's variables win."""
    return {
        **LOCAL_BASE_ENV,
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_LAMBDA_FUNCTION_NAME": spec.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        **spec.env,
    }


@dataclass
class LambdaContext:
    """The attributes of Lambda's context object that Powertools and handlers read."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    timeout_seconds: int
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = "local"
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self.log_group_name = self.log_group_name or f"/aws/lambda/{self.function_name}"
        self._deadline = time.monotonic() + self.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))

    @classmethod
    def for_function(cls, spec: FunctionSpec) -> LambdaContext:
        return cls(spec.name, spec.arn, spec.memory, spec.timeout)

    def to_dict(self) -> dict[str, Any]:
        return {
            "function_name": self.function_name,
            "invoked_function_arn": self.invoked_function_arn,
            "memory_limit_in_mb": self.memory_limit_in_mb,
            "timeout_seconds": self.timeout_seconds,
            "aws_request_id": self.aws_request_id,
        }


def sqs_event(messages: Iterable[Mapping[str, Any]], queue: Queue, region: str) -> dict[str, Any]:
    """Lambda's SQS event from receive_message results (AttributeNames=All)."""
    records = []
    for message in messages:
        attributes = dict(message.get("Attributes", {}))
        records.append(
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": attributes,
                "messageAttributes": {
                    name: {
                        "stringValue": value.get("StringValue"),
                        "binaryValue": value.get("BinaryValue"),
                        "stringListValues": value.get("StringListValues", []),
                        "binaryListValues": value.get("BinaryListValues", []),
                        "dataType": value["DataType"],
                    }
                    for name, value in message.get("MessageAttributes", {}).items()
                },
                "md5OfBody": message.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue.arn,
                "awsRegion": region,
            }
        )
    return {"Records": records}


def failed_message_ids(
    result: Any, event: Mapping[str, Any], *, reports_failures: bool
) -> set[str]:
    """Which records to leave on the queue. Without ReportBatchItemFailures a normal return
    means the whole batch succeeded; with it, `batchItemFailures` names the failures
    (an unparseable response fails the whole batch, as Lambda does)."""
    if not reports_failures:
        return set()
    all_ids = {record["messageId"] for record in event["Records"]}
    if result is None:
        return set()
    if not isinstance(result, dict):
        return all_ids
    failures = result.get("batchItemFailures") or []
    ids = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not identifier or identifier not in all_ids:
            return all_ids
        ids.add(identifier)
    return ids


def iso_z(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def scheduled_event(schedule: Schedule, at: datetime, *, region: str, account: str) -> Any:
    """The payload Scheduler delivers: the target's Input with its context attributes
    filled in, or — without Input — an EventBridge-style scheduled event whose `time` is
    the scheduled instant."""
    execution_id = str(uuid.uuid4())
    if schedule.input is not None:
        text = (
            schedule.input.replace("<aws.scheduler.scheduled-time>", iso_z(at))
            .replace("<aws.scheduler.schedule-arn>", schedule.arn)
            .replace("<aws.scheduler.execution-id>", execution_id)
            .replace("<aws.scheduler.attempt-number>", "1")
        )
        try:
            return json.loads(text)
        except ValueError:
            return text
    return {
        "version": "0",
        "id": execution_id,
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": account,
        "time": iso_z(at),
        "region": region,
        "resources": [schedule.arn],
        "detail": {},
    }
