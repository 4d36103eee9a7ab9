"""`make bench`: latency and AWS request counts of the identity chain change, on moto.

Latencies are moto's (an upper bound of the code path, not of AWS); the request counts are
exact and turn into a cost estimate with the us-east-1 prices of DESIGN.md.
"""

from __future__ import annotations

import logging
import statistics
import sys
import time
from collections import Counter
from typing import Any

from onetrip.dal.aws import client
from onetrip.routing import Agency
from onetrip_local.harness import LocalCloud

from tests.integration.identity_flow import IdentityDesk

CHANGES = 30

# us-east-1 list prices (DESIGN.md, "Numbers to design against"), per request.
PRICE = {
    "lambda": 0.20 / 1e6 + 0.0000133334 * 0.5 * 0.1,  # request + ~100 ms at 512 MB arm64
    "http_api": 1.00 / 1e6,
    "events": 1.00 / 1e6,
    "sqs": 0.40 / 1e6,
    "ddb_write": 0.625 / 1e6,
    "ddb_read": 0.125 / 1e6,
}


def _count_calls(counter: Counter[str]) -> None:
    def count(event_name: str, params: dict[str, Any], **_: Any) -> None:
        operation = event_name.split(".", 1)[1]
        counter[operation] += 1
        if operation.endswith("TransactWriteItems"):
            counter["dynamodb.TransactWriteItems.items"] += len(params["TransactItems"])

    for service in ("dynamodb", "events", "sqs"):
        client(service).meta.events.register("provide-client-params.*.*", count)


def _percentile(values: list[float], q: float) -> float:
    return sorted(values)[max(0, int(round(q * len(values))) - 1)]


def main() -> int:
    logging.disable(logging.INFO)  # the functions' INFO lines would drown the figures
    cloud = LocalCloud.start()
    try:
        desk = IdentityDesk(cloud)
        people = []
        for _ in range(CHANGES):
            person = desk.register()
            desk.seed_records(person)
            people.append(person)
        cloud.deliver()

        calls: Counter[str] = Counter()
        _count_calls(calls)
        submit, approve = [], []
        for person in people:
            started = time.perf_counter()
            app = desk.submit(person, {"surname": "李"}).json
            submit.append(time.perf_counter() - started)
            started = time.perf_counter()
            desk.decide(app["applicationId"])
            approve.append(time.perf_counter() - started)
        started = time.perf_counter()
        report = cloud.deliver()
        deliver_seconds = time.perf_counter() - started

        linked = CHANGES * len(Agency)
        print(f"changes: {CHANGES}, linked updates: {linked}")
        for name, values in (("submit", submit), ("approve", approve)):
            print(
                f"{name:8s} p50 {statistics.median(values) * 1000:6.1f} ms"
                f"  p95 {_percentile(values, 0.95) * 1000:6.1f} ms"
            )
        print(
            f"delivery: {linked / deliver_seconds:6.1f} linked updates/s "
            f"({report.invocations.total()} consumer invocations)"
        )

        per_change = {k: v / CHANGES for k, v in calls.items()}
        print("AWS requests per change (submit + approve + its 7 linked updates):")
        for operation, count in sorted(per_change.items()):
            print(f"  {operation:28s} {count:6.2f}")
        transact_items = per_change.get("dynamodb.TransactWriteItems.items", 0)
        writes = sum(
            per_change.get(f"dynamodb.{op}", 0) for op in ("PutItem", "UpdateItem", "DeleteItem")
        )
        cost = (
            (2 + report.invocations.total() / CHANGES) * PRICE["lambda"]
            + 2 * PRICE["http_api"]
            + per_change.get("eventbridge.PutEvents", 0) * PRICE["events"]
            + (3 * len(Agency)) * PRICE["sqs"]  # receive + delete + send per linked update
            + (writes + 2 * transact_items) * PRICE["ddb_write"]  # transactions cost double
            + per_change.get("dynamodb.GetItem", 0) * PRICE["ddb_read"]
            + per_change.get("dynamodb.Query", 0) * PRICE["ddb_read"] * 2
        )
        print(f"estimated cost: ${cost * 1e6:,.2f} per million changes (7 linked updates each)")
        return 0
    finally:
        cloud.stop()


if __name__ == "__main__":
    sys.exit(main())
