"""moto in server mode, in this process, with Step Functions executing for real."""

from __future__ import annotations

import io
import json
import logging
import os
import threading
import time
import urllib.request
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from moto.server import ThreadedMotoServer

from onetrip_local.moto_dynamodb import scale_like_dynamodb
from onetrip_local.moto_kms import keep_aws_sign_rules

MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}}


class MotoServer:
    def __init__(self, port: int = 0) -> None:
        # One access-log line per AWS call drowns everything else.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        keep_aws_sign_rules()
        scale_like_dynamodb()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self._server.start()
        wsgi = self._server._server
        assert wsgi is not None
        wsgi.app = _OneDynamoRequestAtATime(wsgi.app)
        host, self.port = self._server.get_host_and_port()
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        # Step Functions service integrations (sqs:sendMessage, dynamodb:putItem, …) call
        # back into moto through this port.
        os.environ["MOTO_PORT"] = str(self.port)
        self.configure()

    def _post(self, path: str, payload: object | None = None) -> None:
        data = json.dumps(payload).encode() if payload is not None else b""
        request = urllib.request.Request(
            self.endpoint_url + path,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    def configure(self) -> None:
        self._post("/moto-api/config", MOTO_CONFIG)

    def reset(self) -> None:
        """Wipe every backend; the Step Functions switch is set again to be safe."""
        self._post("/moto-api/reset")
        self.configure()

    def stop(self) -> None:
        self._server.stop()


# How long DynamoDB answers a repeated ClientRequestToken with the first outcome.
TOKEN_SECONDS = 600


class _OneDynamoRequestAtATime:
    """DynamoDB runs each request atomically; moto applies a TransactWriteItems item by
    item (and restores a snapshot on failure), so two concurrent transactions can both
    pass their conditions or undo each other. Serialising DynamoDB requests (never the
    long-polling SQS ones) restores per-request atomicity for concurrency tests.

    DynamoDB also answers a repeated TransactWriteItems with the same ClientRequestToken
    (botocore sets one and resends it after a read timeout) with the first outcome
    instead of applying it again; moto ignores the token, so that is done here too, for
    the 10 minutes DynamoDB keeps a token (so no outcome is kept for good).
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app
        self._lock = threading.Lock()
        # token -> (when, status, headers, body), oldest first
        self._outcomes: OrderedDict[str, tuple[float, str, list[tuple[str, str]], bytes]] = (
            OrderedDict()
        )

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        if not target.startswith("DynamoDB_"):
            return self._app(environ, start_response)
        with self._lock:
            token = _transaction_token(environ) if target.endswith(".TransactWriteItems") else ""
            now = time.monotonic()
            while self._outcomes and next(iter(self._outcomes.values()))[0] < now - TOKEN_SECONDS:
                self._outcomes.popitem(last=False)
            if token in self._outcomes:
                _, status, headers, body = self._outcomes[token]
                start_response(status, headers)
                return [body]
            seen: list[Any] = []

            def keep(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
                seen[:] = [status, headers]
                return start_response(status, headers, *args)

            body = b"".join(self._app(environ, keep))
            if token:
                self._outcomes[token] = (now, seen[0], seen[1], body)
            return [body]


def _transaction_token(environ: dict[str, Any]) -> str:
    """The request's ClientRequestToken; the body is put back for moto to read."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(raw)
    try:
        return str(json.loads(raw or b"{}").get("ClientRequestToken") or "")
    except ValueError:
        return ""
