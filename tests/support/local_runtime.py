"""`onetrip local` as a subprocess on a free port, driven over HTTP only (the e2e suite
and `make bench`'s local-runtime figures)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from onetrip_local.apigw import ApiResult

REPO_ROOT = Path(__file__).resolve().parents[2]
ONETRIP = Path(sys.executable).parent / "onetrip"
READY_PREFIX = "onetrip local ready on "
# Short visibility timeouts: a batch held by a killed worker comes back in seconds.
VISIBILITY_SECONDS = 3
STARTUP_SECONDS = 180  # the first start after a source change synthesizes (~20 s)

_TOKEN_OPTIONS = {
    "custom:agency": "--agency",
    "custom:unit": "--unit",
    "custom:idNumber": "--id-number",
    "custom:district": "--district",
    "custom:venue": "--venue",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningLocal:
    url: str
    process: subprocess.Popen[str]
    output: list[str]


class HttpCloud:
    """The `cloud.api(...)` of the in-process harness, but over real HTTP with tokens
    from `onetrip token`, so the integration-test desks can drive the running runtime."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._tokens: dict[str, str] = {}

    def token(self, claims: Mapping[str, Any]) -> str:
        key = json.dumps(claims, sort_keys=True)
        if key not in self._tokens:
            args = [str(ONETRIP), "token", "--sub", str(claims["sub"])]
            for role in claims.get("cognito:groups", []):
                args += ["--role", role]
            for claim, option in _TOKEN_OPTIONS.items():
                if claim in claims:
                    args += [option, str(claims[claim])]
            done = subprocess.run(args, capture_output=True, text=True, check=True)
            self._tokens[key] = done.stdout.strip()
        return self._tokens[key]

    def api(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        claims: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> ApiResult:
        request_headers = dict(headers or {})
        if claims is not None:
            request_headers["Authorization"] = f"Bearer {self.token(claims)}"
        return self.request(method, path, body=body, headers=request_headers)

    def request(
        self, method: str, path: str, *, body: Any = None, headers: Mapping[str, str] | None = None
    ) -> ApiResult:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers=dict(headers or {})
        )
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return ApiResult(response.status, _lower(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return ApiResult(error.code, _lower(error.headers), error.read())

    def workers(self) -> dict[str, Any]:
        result: dict[str, Any] = self.request("GET", "/_local/workers").json
        return result


def _lower(headers: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def wait_until(probe: Any, timeout: float, interval: float = 0.25) -> Any:
    """Poll `probe()` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"gave up after {timeout} s")


def start(
    *extra_args: str, startup_seconds: float = STARTUP_SECONDS, port: int | None = None
) -> RunningLocal:
    """Start `onetrip local` on a free port (or `port`) and wait until it says it is ready."""
    port = port or _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for key in ("AWS_ENDPOINT_URL", "MOTO_PORT"):  # the runtime starts its own moto
        env.pop(key, None)
    process = subprocess.Popen(
        [str(ONETRIP), "local", "--port", str(port),
         "--max-visibility-timeout", str(VISIBILITY_SECONDS), *extra_args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=REPO_ROOT,
    )  # fmt: skip
    output: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if line.startswith(READY_PREFIX):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(startup_seconds) or process.poll() is not None:
        process.kill()
        raise RuntimeError("onetrip local did not get ready:\n" + "".join(output[-40:]))
    line = next(line for line in output if line.startswith(READY_PREFIX))
    assert line.strip() == f"onetrip local ready on http://127.0.0.1:{port}"
    return RunningLocal(f"http://127.0.0.1:{port}", process, output)


def stop(running: RunningLocal, *, timeout: float = 30) -> None:
    """SIGTERM, and check that a clean stop ended every worker process too."""
    workers = HttpCloud(running.url).workers()
    running.process.send_signal(signal.SIGTERM)
    assert running.process.wait(timeout=timeout) == 0
    alive = [w["pid"] for w in workers.values() if w["pid"] and _alive(w["pid"])]
    assert not alive, f"workers outlived onetrip local: {alive}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
