"""Cost per operation (issue 14): every AWS request by service and action, priced with
public us-east-1 list prices, beside the floor — the fewest requests that still keep the
guarantees (docs/benchmarks.md says what each request above the floor buys).

Counted on the functions' own clients (tests/bench.py `_count_calls`), plus what the
platform does for them, counted from the harness: one Lambda invocation per handler run,
one HTTP API request per route call, and per SQS message one SendMessage (EventBridge's
delivery) with one ReceiveMessage and one DeleteMessageBatch per batch (Lambda's poller).
Step Functions bills state transitions: counted from each execution's history.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import jwt
from onetrip.routing import Agency
from onetrip_local.harness import LocalCloud

from tests.support.identity_flow import IdentityDesk
from tests.support.petitions import PetitionDesk
from tests.support.wallet_flow import Wallet

# Public list prices, us-east-1, USD per unit (DESIGN.md "Numbers to design against";
# KMS, S3 and CloudFront from their pricing pages).
LAMBDA_GB_SECOND = 0.0000133334  # arm64
LAMBDA_SECONDS, LAMBDA_GB = 0.1, 0.5  # ~100 ms at 512 MB (the functions' memory)
PRICE: dict[str, float] = {
    "lambda.Invoke": 0.20 / 1e6 + LAMBDA_GB_SECOND * LAMBDA_GB * LAMBDA_SECONDS,
    "apigateway.HttpRequest": 1.00 / 1e6,
    "eventbridge.PutEvents.entries": 1.00 / 1e6,  # per event published, not per target
    "sqs.requests": 0.40 / 1e6,
    "states.Transitions": 0.025 / 1e3,
    "stepfunctions.SendTaskSuccess": 0.0,  # the API call is free; transitions are billed
    "kms.Sign": 0.15 / 1e4,  # asymmetric requests other than RSA 2048
    "s3.PutObject": 0.005 / 1e3,
    "s3.GetObject": 0.0004 / 1e3,
    "cloudfront.HttpsRequest": 0.01 / 1e4,
    "secretsmanager.GetSecretValue": 0.05 / 1e4,
    # DynamoDB on demand: $0.625/M write units, $0.125/M read units. Items here are under
    # 1 KB and item collections under 4 KB: a write is 1 WRU (2 in a transaction), a
    # consistent read or Query 1 RRU.
    "dynamodb.PutItem": 0.625 / 1e6,
    "dynamodb.UpdateItem": 0.625 / 1e6,
    "dynamodb.DeleteItem": 0.625 / 1e6,
    "dynamodb.TransactWriteItems.items": 2 * 0.625 / 1e6,
    "dynamodb.GetItem": 0.125 / 1e6,
    "dynamodb.Query": 0.125 / 1e6,
}
# Request counts that are not priced themselves (their items or transitions are).
UNPRICED = {"dynamodb.TransactWriteItems", "eventbridge.PutEvents"}

SEVEN = len(Agency)

# The floor per operation: what no implementation keeping the guarantees can go below.
# Guarantees: events carry ids only (a consumer reads the registry); the outbox commits
# the event with the state (publish + delete after); every agency record is written with
# a condition in the same transaction as its linked update's status; the application is
# closed exactly once, after its last linked update.
FLOOR: dict[str, dict[str, float]] = {
    "identity change, 7 agencies": {
        "apigateway.HttpRequest": 2,  # submit, approve
        # submit + approve, one consumer per agency, the credential chain, the notifier,
        # the scoreboard (submitted and completed in one batch at best)
        "lambda.Invoke": 2 + SEVEN + 1 + 1 + 1,
        "eventbridge.PutEvents": 4,  # submitted, changed, completed, the citizen message
        "eventbridge.PutEvents.entries": 4,
        # 12 messages (7 agencies, chain, 2 scoreboard, notifier, inbox): EventBridge's
        # send each, a receive and a delete per batch (11 batches at best)
        "sqs.requests": 12 + 2 * 11,
        # submit: the number's index, the person; approve: the person; per agency: the
        # person (events carry no data) and its record
        "dynamodb.GetItem": 2 + 1 + 2 * SEVEN,
        # approve: the application; per agency: its links (was it the last?); the chain:
        # the person's credentials; the scoreboard: the application of each fact
        "dynamodb.Query": 1 + SEVEN + 1 + 2,
        # submit, approve, one per agency, completion, the notice, two scoreboard counts
        "dynamodb.TransactWriteItems": 1 + 1 + SEVEN + 1 + 1 + 2,
        # submit: application, open guard, outbox; approve: application, guard release,
        # person, audit entry, 7 links, outbox; per agency: record + link; completion:
        # application, outbox; notice: marker, outbox; each count: marker, counter
        "dynamodb.TransactWriteItems.items": 3 + (5 + SEVEN) + 2 * SEVEN + 2 + 2 + 4,
        "dynamodb.DeleteItem": 4,  # each published outbox item
    },
    "petition straight through (8 steps)": {
        "apigateway.HttpRequest": 1 + 8,  # register, eight completions
        # the API calls, a task opener per step, the scoreboard (received, closed), notifier
        "lambda.Invoke": 1 + 8 + 8 + 2 + 1,
        # eight waiting task states, the acceptance choice after triage and the rework
        # choice after the tracking review (the last task can end the execution)
        "states.Transitions": 8 + 2,
        "sfn.StartExecution": 1,
        "sfn.SendTaskSuccess": 8,
        "eventbridge.PutEvents": 3,  # received, closed, the citizen message
        "eventbridge.PutEvents.entries": 3,
        # 12 messages (8 task messages, 2 scoreboard, notifier, inbox); 12 batches
        "sqs.requests": 12 + 2 * 12,
        # the opener: the petition (deadlines); a completion: the task (role, unit) and
        # the petition; the scoreboard: one fact each
        "dynamodb.GetItem": 8 + 2 * 8 + 2,
        # register: petition + outbox; opener: task + petition step; completion: task +
        # petition (+ outbox at the close); scoreboard: marker + counter; notice: 2
        "dynamodb.TransactWriteItems": 1 + 8 + 8 + 2 + 1,
        "dynamodb.TransactWriteItems.items": 2 + 2 * 8 + 2 * 8 + 1 + 4 + 2,
        # "the workflow has its output": what lets a retried completion repair a crash
        # between the commit and SendTaskSuccess
        "dynamodb.UpdateItem": 8,
        "dynamodb.DeleteItem": 3,
    },
    "credential issued": {
        "apigateway.HttpRequest": 1,
        "lambda.Invoke": 1,
        # the person, the open status-list shard (the signing key is cached per process)
        "dynamodb.GetItem": 2,
        "dynamodb.TransactWriteItems": 1,
        # the credential and its wallet entry, the index claim, the shard's count, the
        # registry-version check
        "dynamodb.TransactWriteItems.items": 5,
        "kms.Sign": 1,
    },
    "credential verified (no cached key or list)": {
        # the issuer's keys and the status list, both static objects behind CloudFront
        "cloudfront.HttpsRequest": 2,
        "s3.GetObject": 2,
    },
}
# Read by the message service outside onetrip: its send, receive and delete are billed too.
INBOX_SQS_REQUESTS = 3


class Meter:
    """Counts what a block of work asks of AWS, from the functions' clients and the
    harness (Lambda invocations, HTTP requests, SQS batches)."""

    def __init__(self, cloud: LocalCloud, calls: Counter[str]) -> None:
        self.cloud, self.calls = cloud, calls
        self.ignore_reads = False  # the test drivers' polling GETs are not the operation
        self.quiet = False
        self.platform: Counter[str] = Counter()
        # function -> its invocations and the requests they made (runs are sequential)
        self.by_function: dict[str, Counter[str]] = {}
        real_invoke, real_api = cloud.invoke, cloud.api
        real_deliver = cloud.deliver

        def invoke(function: str, event: Any) -> Any:
            if self.quiet:
                return real_invoke(function, event)
            self.platform["lambda.Invoke"] += 1
            before = Counter(self.calls)
            try:
                return real_invoke(function, event)
            finally:
                name = cloud.function(function).logical_id
                mine = self.by_function.setdefault(name, Counter())
                mine.update(self.calls - before)
                mine["invocations"] += 1

        def api(method: str, *args: Any, **kwargs: Any) -> Any:
            if not (self.ignore_reads and method == "GET"):
                self.platform["apigateway.HttpRequest"] += 1
                return real_api(method, *args, **kwargs)
            before = Counter(self.calls)
            self.quiet = True
            try:
                return real_api(method, *args, **kwargs)
            finally:
                self.quiet = False
                self.calls.subtract(self.calls - before)

        def deliver(*args: Any, **kwargs: Any) -> Any:
            report = real_deliver(*args, **kwargs)
            records, batches = sum(report.records.values()), sum(report.invocations.values())
            self.platform["sqs.requests"] += records + 2 * batches
            return report

        cloud.invoke = invoke  # type: ignore[method-assign]
        cloud.api = api  # type: ignore[method-assign]
        cloud.deliver = deliver  # type: ignore[method-assign]

    def print_by_function(self, runs: int) -> None:
        print("  by function (per operation):")
        for name, counts in sorted(self.by_function.items()):
            line = ", ".join(f"{a} {n / runs:g}" for a, n in sorted(counts.items()))
            print(f"    {name:28s} {line}")

    @contextmanager
    def measure(self, into: Counter[str]) -> Iterator[None]:
        before_calls, before_platform = Counter(self.calls), Counter(self.platform)
        yield
        into.update(self.calls - before_calls)
        into.update(self.platform - before_platform)


def price(counts: Mapping[str, float]) -> float:
    return sum(PRICE.get(action, 0.0) * n for action, n in counts.items())


def report(name: str, runs: int, counts: Counter[str], floor: Mapping[str, float] | None) -> None:
    per_run = {action: n / runs for action, n in counts.items()}
    floor = floor or {}
    print(f"cost: {name} (mean of {runs}), requests per operation [floor]:")
    for action in sorted(set(per_run) | set(floor)):
        unit = PRICE.get(action)
        priced = f"${unit * per_run.get(action, 0) * 1e6:9.2f}/M" if unit is not None else ""
        shown = f"[{floor[action]:g}]" if action in floor else ""
        print(f"  {action:36s} {per_run.get(action, 0):7.2f} {shown:>7s} {priced}")
    measured = price(per_run)
    line = f"  => ${measured * 1e6:,.2f} per million"
    if floor:
        line += f"; floor ${price(floor) * 1e6:,.2f} per million ({measured / price(floor):.2f}x)"
    print(line)


def _with_transitions(cloud: LocalCloud, desk: PetitionDesk, pid: str) -> int:
    """State transitions Step Functions bills for the petition's execution."""
    sfn = cloud.boto("stepfunctions")
    kwargs: dict[str, Any] = {"executionArn": desk.execution_arn(pid), "maxResults": 1000}
    events = sfn.get_execution_history(**kwargs)["events"]
    return sum(1 for e in events if e["type"].endswith("StateEntered"))


def cost_bench(cloud: LocalCloud, calls: Counter[str], runs: int = 5) -> None:
    """Identity change touching all seven agencies, petition straight through (eight
    steps), credential issued, credential verified without caches."""
    meter = Meter(cloud, calls)
    identity, petitions = IdentityDesk(cloud), PetitionDesk(cloud)
    wallet = Wallet(cloud)

    counts: Counter[str] = Counter()
    people = identity.people_with_records(runs)
    meter.by_function.clear()
    for person in people:
        with meter.measure(counts):
            identity.change(person, {"surname": "李"})
            cloud.deliver()
        counts["sqs.requests"] += INBOX_SQS_REQUESTS
    report("identity change, 7 agencies", runs, counts, FLOOR["identity change, 7 agencies"])
    meter.print_by_function(runs)

    counts = Counter()
    meter.by_function.clear()
    meter.ignore_reads = True
    for _ in range(runs):
        with meter.measure(counts):
            pid = petitions.register()["petitionId"]
            petitions.straight_through(pid)
            assert petitions.wait_for_end(pid) == "SUCCEEDED"
            cloud.deliver()
        counts["states.Transitions"] += _with_transitions(cloud, petitions, pid)
        counts["sqs.requests"] += INBOX_SQS_REQUESTS
    meter.ignore_reads = False
    name = "petition straight through (8 steps)"
    report(name, runs, counts, FLOOR[name])
    meter.print_by_function(runs)

    counts = Counter()
    issued = []
    for person in people:
        with meter.measure(counts):
            issued.append(wallet.issued(person, "household_proof"))
    report("credential issued", runs, counts, FLOOR["credential issued"])

    counts = Counter()
    for credential in issued:
        with meter.measure(counts):
            _verify_cold(meter, credential)
    name = "credential verified (no cached key or list)"
    report(name, runs, counts, FLOOR[name])


def _verify_cold(meter: Meter, credential: Mapping[str, Any]) -> None:
    """A verifier with nothing cached: the issuer's keys (HTTP API), then the credential's
    status list (CloudFront, S3 on a miss). Signature and disclosure checks are local."""
    cloud = meter.cloud
    metadata = cloud.api("GET", "/.well-known/jwt-vc-issuer")
    assert metadata.status == 200, metadata.json
    payload = jwt.decode(
        credential["credential"].split("~")[0], options={"verify_signature": False}
    )
    uri = payload["status"]["status_list"]["uri"]
    listed = cloud.api("GET", "/" + uri.split("/", 3)[3])
    assert listed.status == 200
    # The harness serves the list like CloudFront does from S3, not through the HTTP API.
    meter.platform["apigateway.HttpRequest"] -= 1
    meter.platform.update({"cloudfront.HttpsRequest": 1, "s3.GetObject": 1})
