"""Defaults shared by every construct: runtime, sizes, logging, tracing, queue numbers.

One place, so a change of runtime or retention is one line and every function follows.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from aws_cdk import (
    Acknowledgment,
    Duration,
    RemovalPolicy,
    Validations,
    aws_lambda,
    aws_lambda_event_sources,
    aws_logs,
    aws_sqs,
)
from constructs import Construct

REPO_ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR = REPO_ROOT / "functions"
LAYER_DIR = REPO_ROOT / "layers"

SERVICE_NAME = "onetrip"
RUNTIME = aws_lambda.Runtime.PYTHON_3_13
ARCHITECTURE = aws_lambda.Architecture.ARM_64
MEMORY_MB = 512
# API handlers and queue consumers alike: a linked update is one agency call plus a few writes.
TIMEOUT = Duration.seconds(30)
# Cybersecurity Law of the PRC, art. 21: network logs are kept for no less than six months.
LOG_RETENTION = aws_logs.RetentionDays.SIX_MONTHS
# AWS guidance: an SQS event source's visibility timeout is at least 6x the function timeout,
# so a batch retried by Lambda's poller is not redelivered while still being worked on.
QUEUE_VISIBILITY = Duration.seconds(TIMEOUT.to_seconds() * 6)
# AWS guidance: maxReceiveCount >= 5 so throttling alone does not dead-letter a message.
MAX_RECEIVE_COUNT = 5
DLQ_RETENTION = Duration.days(14)
# The HTTP API's own throttle (requests/s, burst) for every route: well above a city's
# windows, desks and citizen app at peak, well below what would exhaust the account's
# Lambda concurrency (1,000 by default) and let one client starve the others.
API_RATE_LIMIT = 200
API_BURST_LIMIT = 400

# Never sent to Lambda: caches and build outputs that would only bloat the zip.
CODE_EXCLUDE = ["**/__pycache__", "**/*.pyc", "*.egg-info", "**/.mypy_cache", "**/.pytest_cache"]

POWERTOOLS_ENV: Mapping[str, str] = {
    "POWERTOOLS_SERVICE_NAME": SERVICE_NAME,
    # Responses carry personal data (names, ID numbers): keep them out of X-Ray (PIPL).
    "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
    "POWERTOOLS_LOG_LEVEL": "INFO",
}


def queue_batches(
    queue: aws_sqs.IQueue, *, gather_seconds: int = 1
) -> aws_lambda_event_sources.SqsEventSource:
    """How every consumer reads its queue: batches of 10, partial batch failures reported
    (one bad record never sends the others back); 0 seconds = deliver at once."""
    return aws_lambda_event_sources.SqsEventSource(
        queue,
        batch_size=10,
        max_batching_window=Duration.seconds(gather_seconds) if gather_seconds else None,
        report_batch_item_failures=True,
    )


def acknowledge(construct: Construct, rule: str, reason: str, pack: str = "AwsSolutions") -> None:
    """Accept one cdk-nag finding of `pack` (AwsSolutions, Serverless) on `construct` and
    its children."""
    Validations.of(construct).acknowledge(
        Acknowledgment(id=f"{pack}::{pack}-{rule}", reason=reason)
    )


def dead_letter_queue(scope: Construct, logical_id: str) -> aws_sqs.Queue:
    """Where a queue's messages go after MAX_RECEIVE_COUNT receives; kept 14 days."""
    queue = aws_sqs.Queue(
        scope,
        logical_id,
        encryption=aws_sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=DLQ_RETENTION,
        visibility_timeout=QUEUE_VISIBILITY,
    )
    pin_logical_id(queue, logical_id)
    acknowledge(
        queue,
        "SQSRedrivePolicy",
        "This is the dead-letter queue: a record its consumer cannot settle stays here, "
        "alarmed, for ops to inspect and retry; redriving it again would only loop.",
        pack="Serverless",
    )
    return queue


def consumer_queue(
    scope: Construct, logical_id: str, dead_letters: aws_sqs.IQueue
) -> aws_sqs.Queue:
    """A consumer's queue: SQS-managed SSE (messages carry ids only), TLS only, the
    visibility the function timeout needs, dead letters after MAX_RECEIVE_COUNT."""
    queue = aws_sqs.Queue(
        scope,
        logical_id,
        encryption=aws_sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        visibility_timeout=QUEUE_VISIBILITY,
        dead_letter_queue=aws_sqs.DeadLetterQueue(
            queue=dead_letters, max_receive_count=MAX_RECEIVE_COUNT
        ),
    )
    pin_logical_id(queue, logical_id)
    return queue


def pin_logical_id(construct: Construct, logical_id: str) -> None:
    """Give a resource the stable logical id docs/architecture.md promises (the local
    runtime and the other parts look resources up by these ids)."""
    child = construct.node.default_child
    target = child if child is not None else construct
    target.override_logical_id(logical_id)  # type: ignore[attr-defined]


class FunctionDefaults:
    """Creates every Lambda function of the app with the same runtime, sizes, logging,
    tracing, code asset and dependency layer; callers pass only what differs."""

    def __init__(
        self,
        layer: aws_lambda.ILayerVersion,
        *,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        self.layer = layer
        self.removal_policy = removal_policy
        self.environment = dict(environment or {})
        # One asset object for all functions: staged and uploaded once.
        self.code = aws_lambda.Code.from_asset(str(FUNCTIONS_DIR), exclude=CODE_EXCLUDE)

    def log_group(self, scope: Construct, construct_id: str) -> aws_logs.LogGroup:
        """A log group kept LOG_RETENTION (Cybersecurity Law art. 21), removed with the
        stack only where the stage does not retain data (dev)."""
        return aws_logs.LogGroup(
            scope, construct_id, retention=LOG_RETENTION, removal_policy=self.removal_policy
        )

    def function(
        self,
        scope: Construct,
        logical_id: str,
        *,
        handler: str,
        environment: Mapping[str, str] | None = None,
        description: str | None = None,
    ) -> aws_lambda.Function:
        # An explicit log group (instead of the LogRetention custom resource) keeps the
        # retention in the template and adds no helper Lambda.
        log_group = self.log_group(scope, f"{logical_id}Logs")
        function = aws_lambda.Function(
            scope,
            logical_id,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=handler,
            code=self.code,
            layers=[self.layer],
            memory_size=MEMORY_MB,
            timeout=TIMEOUT,
            logging_format=aws_lambda.LoggingFormat.JSON,
            log_group=log_group,
            tracing=aws_lambda.Tracing.ACTIVE,
            environment={**POWERTOOLS_ENV, **self.environment, **(environment or {})},
            description=description,
        )
        pin_logical_id(function, logical_id)
        acknowledge(
            function,
            "LambdaLatestVersion",
            "python3.13 is the runtime the team builds, tests and packages the layer for "
            "(cp313 aarch64 wheels); runtime upgrades are a deliberate change in config.py.",
            pack="Serverless",
        )
        acknowledge(
            function,
            "LambdaDLQ",
            "No function is invoked asynchronously with work to lose: HTTP API calls are "
            "synchronous, SQS consumers dead-letter through their queue's redrive policy, "
            "and the scheduled sweeps (outbox relay, reminders) are idempotent and redo "
            "whatever a failed run left on their next run.",
            pack="Serverless",
        )
        acknowledge(
            function,
            "LambdaEventSourceMappingDestination",
            "SQS event source mappings take no on-failure destination (Lambda supports it "
            "for streams and Kafka only); a failing record goes to the queue's DLQ.",
            pack="Serverless",
        )
        acknowledge(
            function,
            "L1",
            "python3.13 is the runtime the team builds, tests and packages the layer for "
            "(cp313 aarch64 wheels); runtime upgrades are a deliberate change in config.py.",
        )
        acknowledge(
            function,
            "IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AWSLambdaBasicExecutionRole]",
            "AWSLambdaBasicExecutionRole only allows writing the function's own CloudWatch "
            "logs; it is the minimum a Lambda function needs.",
        )
        acknowledge(
            function,
            "IAM5[Resource::*]",
            "Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no "
            "resource-level permissions, so '*' is the only possible resource.",
        )
        return function
