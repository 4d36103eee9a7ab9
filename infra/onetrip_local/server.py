"""The HTTP side of `onetrip local`: API Gateway emulation plus loopback-only admin routes.

Admin routes (never part of the API contract; refused unless the client is loopback):
  POST /_local/schedules/{name}  {"at": "<instant>"}  fire a schedule once, as of `at`
                                 (name: schedule name, logical id or target function)
  GET  /_local/workers           worker processes: pid, busy, invocations, restarts
  POST /_local/faults            {"function", "pauseSeconds", "times"?}: the next
                                 invocations of that function hold their event for
                                 pauseSeconds first (lets fault tests kill a busy worker)
  GET  /_local/topology          what was provisioned from the template
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from onetrip_local.apigw import ApiResult, HttpRequest, problem_result

log = logging.getLogger("onetrip.local.http")

ADMIN_PREFIX = "/_local/"

RequestHandler = Callable[[HttpRequest], ApiResult]


class LocalHttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, api: RequestHandler, admin: RequestHandler) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.api, self.admin = api, admin


class _Handler(BaseHTTPRequestHandler):
    server: LocalHttpServer
    protocol_version = "HTTP/1.1"

    def _handle(self) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else None
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]},{value}" if key in headers else value
        request = HttpRequest(
            self.command, split.path, split.query, headers, body, self.client_address[0]
        )
        if split.path.startswith(ADMIN_PREFIX):
            if ipaddress.ip_address(self.client_address[0]).is_loopback:
                result = self.server.admin(request)
            else:
                result = problem_result(403, "Forbidden", "Admin routes are loopback-only.")
        else:
            result = self.server.api(request)
        self._write(result)

    def _write(self, result: ApiResult) -> None:
        self.send_response(result.status)
        for name, value in result.headers.items():
            if name not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("content-length", str(len(result.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(result.body)
        if result.error:
            log.error("%s %s failed:\n%s", self.command, self.path, result.error)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

    def __getattr__(self, name: str) -> Any:
        # Any other method (TRACE, QUERY, …) is routed like API Gateway routes it (no
        # route matches: its JSON 404), not http.server's 501 HTML page.
        if name.startswith("do_"):
            return self._handle
        raise AttributeError(name)

    def log_message(self, format: str, *args: object) -> None:
        log.info("%s %s", self.address_string(), format % args)
