"""EventBridge API destinations, emulated like the SQS event sources are.

moto does not call HTTP endpoints, so provisioning gives each rule target that names an
API destination a delivery queue instead (moto's rule delivers the whole event there) and
describes the target; a deliverer then does what EventBridge does per event:
- the request: POST (the destination's method) to its endpoint, the body at InputPath,
  the rule's HeaderParameters (static, or a `$.`-path into the event), the connection's
  API-key header, `content-type: application/json; charset=utf-8`; 5 s timeout;
- retry on 401, 407, 409, 429, 5xx, timeouts and refused connections, with exponential
  backoff, until MaximumRetryAttempts or MaximumEventAgeInSeconds is used up; any other
  4xx is not retried;
- what is not delivered goes to the target's DLQ, with EventBridge's error attributes.

`resolve` maps an endpoint's host to a local address (like curl's --resolve): endpoints
in the template are HTTPS (API destinations require it); locally the receiver is plain
HTTP on 127.0.0.1, as behind a TLS-terminating proxy.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

TIMEOUT_SECONDS = 5  # EventBridge API destinations wait 5 s for a response
RETRYABLE = frozenset({401, 407, 409, 429})
MAX_BACKOFF_SECONDS = 30


@dataclass(frozen=True)
class ApiDestination:
    logical_id: str
    arn: str
    endpoint: str
    method: str
    connection_headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ApiDestinationTarget:
    """One rule target naming an API destination, with its local delivery queue."""

    rule: str  # rule logical id
    target_id: str
    destination: str  # ApiDestination logical id
    queue_url: str
    header_parameters: tuple[tuple[str, str], ...] = ()
    input_path: str | None = None
    retry_attempts: int = 185  # EventBridge's defaults
    max_event_age: int = 24 * 3600
    dead_letter_arn: str | None = None


@dataclass(frozen=True)
class HttpCall:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes


# transport(call) -> HTTP status; raises OSError for a timeout or refused connection.
Transport = Callable[[HttpCall], int]


def json_path(document: Any, path: str) -> Any:
    """`$`, `$.a.b` (the subset EventBridge's InputPath and header paths use here)."""
    value = document
    for part in [p for p in path.removeprefix("$").split(".") if p]:
        value = value[part]
    return value


def http_call(
    event: Mapping[str, Any], target: ApiDestinationTarget, dest: ApiDestination
) -> HttpCall:
    body_value = json_path(event, target.input_path) if target.input_path else event
    body = json.dumps(body_value, separators=(",", ":"), ensure_ascii=False).encode()
    headers = {"content-type": "application/json; charset=utf-8",
               "user-agent": "Amazon/EventBridge/ApiDestinations"}  # fmt: skip
    for name, value in target.header_parameters:
        headers[name.lower()] = str(json_path(event, value)) if value.startswith("$.") else value
    # The connection's values take precedence over the rule's (HttpParameters docs).
    headers.update({name.lower(): value for name, value in dest.connection_headers})
    return HttpCall(dest.method, dest.endpoint, headers, body)


def urllib_transport(resolve: Mapping[str, str] | None = None) -> Transport:
    """Real HTTP; `resolve` maps host -> "127.0.0.1:port" (plain HTTP locally)."""
    mapping = dict(resolve or {})

    def send(call: HttpCall) -> int:
        url = call.url
        parts = urlsplit(url)
        if parts.hostname in mapping:
            url = urlunsplit(("http", mapping[parts.hostname], parts.path, parts.query, ""))
        request = urllib.request.Request(url, data=call.body, method=call.method,
                                         headers=call.headers)  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    return send


def retryable(status: int | None) -> bool:
    return status is None or status in RETRYABLE or status >= 500


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    retry_in: float | None  # seconds until the next attempt; None: settled (sent or DLQ)
    status: int | None
    error: str | None = None


def attempt(
    message: Mapping[str, Any],
    target: ApiDestinationTarget,
    dest: ApiDestination,
    transport: Transport,
    sqs: Any,
    *,
    now: float | None = None,
) -> Outcome:
    """Deliver one queued event once; settle the message (delete, or DLQ) unless it is
    to be retried, in which case the caller makes it visible again after `retry_in`."""
    event = json.loads(message["Body"])
    attempts = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
    status: int | None = None
    error: str | None = None
    try:
        status = transport(http_call(event, target, dest))
    except OSError as failure:  # timeout, refused, reset
        error = f"{type(failure).__name__}: {failure}"
    if status is not None and 200 <= status < 300:
        _delete(sqs, target, message)
        return Outcome(True, None, status)
    age = (now or time.time()) - _event_time(event)
    if retryable(status) and attempts <= target.retry_attempts and age < target.max_event_age:
        return Outcome(False, min(2 ** (attempts - 1), MAX_BACKOFF_SECONDS), status, error)
    _dead_letter(sqs, target, message, status, error)
    _delete(sqs, target, message)
    return Outcome(False, None, status, error)


def _event_time(event: Mapping[str, Any]) -> float:
    text = str(event.get("time") or "")
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return datetime.now(UTC).timestamp()


def _delete(sqs: Any, target: ApiDestinationTarget, message: Mapping[str, Any]) -> None:
    sqs.delete_message(QueueUrl=target.queue_url, ReceiptHandle=message["ReceiptHandle"])


def _dead_letter(
    sqs: Any, target: ApiDestinationTarget, message: Mapping[str, Any],
    status: int | None, error: str | None,
) -> None:  # fmt: skip
    if target.dead_letter_arn is None:
        return  # EventBridge drops it (no DLQ configured)
    name = target.dead_letter_arn.rsplit(":", 1)[1]
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    code = "SDK_CLIENT_ERROR" if status is None else f"{status}"
    sqs.send_message(
        QueueUrl=url,
        MessageBody=message["Body"],
        MessageAttributes={
            "ERROR_CODE": {"DataType": "String", "StringValue": code},
            "ERROR_MESSAGE": {"DataType": "String", "StringValue": (error or code)[:256]},
            "RULE_ARN": {"DataType": "String", "StringValue": target.rule},
            "TARGET_ARN": {"DataType": "String", "StringValue": target.destination},
        },
    )


def receive(
    sqs: Any, target: ApiDestinationTarget, *, wait_seconds: int = 0
) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = sqs.receive_message(
        QueueUrl=target.queue_url,
        MaxNumberOfMessages=10,
        AttributeNames=["All"],
        WaitTimeSeconds=wait_seconds,
    ).get("Messages", [])
    return messages


def retry_later(
    sqs: Any, target: ApiDestinationTarget, message: Mapping[str, Any], seconds: float
) -> None:
    sqs.change_message_visibility(
        QueueUrl=target.queue_url, ReceiptHandle=message["ReceiptHandle"],
        VisibilityTimeout=int(seconds),
    )  # fmt: skip


class Deliverer(threading.Thread):
    """`onetrip local`: one thread per API-destination target, as EventBridge delivers."""

    def __init__(self, target: ApiDestinationTarget, destination: ApiDestination, sqs: Any,
                 transport: Transport) -> None:  # fmt: skip
        super().__init__(name=f"api-destination-{target.destination}", daemon=True)
        self.target, self.destination, self._sqs, self._transport = (
            target, destination, sqs, transport,
        )  # fmt: skip
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                for message in receive(self._sqs, self.target, wait_seconds=2):
                    outcome = attempt(message, self.target, self.destination, self._transport,
                                      self._sqs)  # fmt: skip
                    if outcome.retry_in is not None:
                        retry_later(self._sqs, self.target, message, outcome.retry_in)
            except Exception:  # noqa: BLE001 - keep delivering; moto may be restarting
                if not self._stop_event.wait(1):
                    continue

    def stop(self) -> None:
        self._stop_event.set()
