"""Cases on-call looks after: stuck identity changes, failed linked updates, petitions.

Reads go straight to the tables and the workflow (read-only, with the operator's own
credentials); the retry goes through the API like any other ops action, so it is
authorised, audited in the application's timeline and published through the outbox.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from onetrip_ops.target import Target, TargetError

# (method, path) -> (HTTP status, JSON body): the API as the operator's token sees it.
ApiCall = Callable[[str, str], tuple[int, Any]]

_deserialize = TypeDeserializer().deserialize


@dataclass(frozen=True)
class StuckApplication:
    application_id: str
    decided_at: str
    waiting: timedelta
    pending: tuple[str, ...]
    failed: tuple[str, ...]


def stuck_applications(
    target: Target, *, older_than: timedelta, now: datetime
) -> list[StuckApplication]:
    """Applications still `applying` although approved more than `older_than` ago,
    oldest first, with the agencies they wait for."""
    table = target.table("Applications")
    dynamodb = target.client("dynamodb")
    cutoff = now - older_than
    stuck: list[StuckApplication] = []
    for header in _scan(
        dynamodb,
        TableName=table,
        FilterExpression="sk = :app AND #status = :applying",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":app": {"S": "APP"}, ":applying": {"S": "applying"}},
    ):
        decided_at = datetime.fromisoformat(str(header["decidedAt"]))
        if decided_at > cutoff:
            continue
        links = dynamodb.query(
            TableName=table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :link)",
            ExpressionAttributeValues={":pk": {"S": header["pk"]}, ":link": {"S": "LINK#"}},
            ConsistentRead=True,
        )["Items"]
        statuses = [(_plain(i)["agency"], _plain(i)["status"]) for i in links]
        stuck.append(
            StuckApplication(
                application_id=str(header["applicationId"]),
                decided_at=str(header["decidedAt"]),
                waiting=now - decided_at,
                pending=tuple(sorted(a for a, s in statuses if s == "pending")),
                failed=tuple(sorted(a for a, s in statuses if s == "failed")),
            )
        )
    return sorted(stuck, key=lambda s: s.decided_at)


def retry_failed(
    api: ApiCall, application_id: str, agencies: list[str] | None = None
) -> list[tuple[str, int, Any]]:
    """Retry the given agencies' linked updates, or every failed one of the application.
    Returns (agency, HTTP status, body) per retry; 202 = the retry is on its way."""
    if not agencies:
        status, application = api("GET", f"/identity-changes/{application_id}")
        if status != 200:
            return [("-", status, application)]
        agencies = [lu["agency"] for lu in application["linkedUpdates"] if lu["status"] == "failed"]
    results = []
    for agency in agencies:
        path = f"/identity-changes/{application_id}/linked-updates/{agency}/retry"
        status, body = api("POST", path)
        results.append((agency, status, body))
    return results


def petition_history(target: Target, petition_id: str) -> list[dict[str, Any]]:
    """The petition workflow's events (never its data: state holds ids only anyway)."""
    machine = target.state_machine_arn()
    execution = machine.replace(":stateMachine:", ":execution:") + f":{petition_id}"
    sfn = target.client("stepfunctions")
    events: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"executionArn": execution, "includeExecutionData": False}
    try:
        while True:
            page = sfn.get_execution_history(**kwargs)
            events += [_event_summary(e) for e in page["events"]]
            if not page.get("nextToken"):
                return events
            kwargs["nextToken"] = page["nextToken"]
    except sfn.exceptions.ExecutionDoesNotExist as error:
        raise TargetError(f"no workflow execution for petition {petition_id}") from error


def _event_summary(event: dict[str, Any]) -> dict[str, Any]:
    details: dict[str, Any] = next((v for k, v in event.items() if k.endswith("EventDetails")), {})
    summary: dict[str, Any] = {
        "id": event["id"],
        "at": _iso(event["timestamp"]),
        "type": event["type"],
    }
    for key in ("name", "resourceType", "resource", "error", "cause"):
        if details.get(key):
            summary[key] = details[key]
    return summary


def http_api(base_url: str, token: str) -> ApiCall:
    def call(method: str, path: str) -> tuple[int, Any]:
        request = urllib.request.Request(
            base_url.rstrip("/") + path,
            method=method,
            headers={"Authorization": f"Bearer {token}", "content-type": "application/json"},
            data=b"{}" if method == "POST" else None,
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    return call


def _scan(dynamodb: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
    while True:
        page = dynamodb.scan(**kwargs)
        yield from (_plain(item) for item in page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _deserialize(value) for key, value in item.items()}


def _iso(moment: Any) -> str:
    return moment.isoformat() if isinstance(moment, datetime) else str(moment)
