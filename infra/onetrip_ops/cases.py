"""Cases on-call looks after: stuck identity changes, failed linked updates, petitions.

Reads go through the functions' own stores (pointed at the operator's session with
`aws.clients_from`) and the workflow, read-only; the retry goes through the API like any
other ops action, so it is authorised, audited in the application's timeline and
published through the outbox.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from onetrip.clock import iso, parse_instant
from onetrip.dal import aws
from onetrip.dal.agency_notifications import NotificationStore
from onetrip.dal.applications import ApplicationStore
from onetrip.domain.application import Application, LinkStatus

from onetrip_ops.target import Target, TargetError

# (method, path) -> (HTTP status, JSON body): the API as the operator's token sees it.
ApiCall = Callable[[str, str], tuple[int, Any]]


@dataclass(frozen=True)
class StuckApplication:
    application_id: str
    decided_at: str
    waiting: timedelta
    pending: tuple[str, ...]
    failed: tuple[str, ...]
    notified: tuple[str, ...] = ()  # webhook agencies that have not acknowledged yet


@dataclass(frozen=True)
class OverdueNotification:
    """A linked update `notified` to a webhook agency and not acknowledged by its deadline."""

    agency: str
    notification_id: str
    application_id: str
    notified_at: str  # waiting for the agency since
    ack_due_at: str  # overdue since
    resends: int  # reminders the sweep has sent (deliveries after the first)


def stuck_applications(
    target: Target, *, older_than: timedelta, now: datetime
) -> list[StuckApplication]:
    """Applications still `applying` more than `older_than` after they entered it (the
    approval, or a retry), oldest first, with the agencies they wait for."""
    store = ApplicationStore(target.table("Applications"))
    with aws.clients_from(target.client):
        found = list(store.applying(since_before=iso(now - older_than)))
    return [
        StuckApplication(
            application_id=application.application_id,
            decided_at=str(application.decided_at),
            waiting=now - parse_instant(since),
            pending=_agencies(application, LinkStatus.PENDING),
            failed=_agencies(application, LinkStatus.FAILED),
            notified=_agencies(application, LinkStatus.NOTIFIED),
        )
        for since, application in found
    ]


def overdue_notifications(target: Target, *, now: datetime) -> list[OverdueNotification]:
    """Linked updates waiting for a webhook agency's acknowledgement past its deadline,
    overdue longest first (whatever `--older-than`: the deadline is the agency's)."""
    store = NotificationStore(target.table("Applications"))
    with aws.clients_from(target.client):
        found = list(store.open_past_deadline(now=iso(now)))
    return [
        OverdueNotification(
            agency=n.agency,
            notification_id=n.notification_id,
            application_id=n.application_id,
            notified_at=n.notified_at,
            ack_due_at=n.ack_due_at,
            resends=n.deliveries - 1,
        )
        for n in sorted(found, key=lambda n: (n.ack_due_at, n.notification_id))
    ]


def _agencies(application: Application, status: LinkStatus) -> tuple[str, ...]:
    return tuple(sorted(lu.agency for lu in application.linked_updates if lu.status == status))


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


def _iso(moment: Any) -> str:
    return moment.isoformat() if isinstance(moment, datetime) else str(moment)
