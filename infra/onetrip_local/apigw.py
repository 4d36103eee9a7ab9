"""What API Gateway (HTTP API, payload format 2.0) does around a Lambda integration:
route selection, the event it builds, and how it turns the result into a response."""

from __future__ import annotations

import base64
import json
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import parse_qsl

from onetrip_local.provision import Route


@dataclass(frozen=True)
class RouteMatch:
    route: Route
    path_parameters: dict[str, str]


def match_route(routes: Iterable[Route], method: str, path: str) -> RouteMatch | None:
    """API Gateway's choice: the most specific route wins (literal segments over
    {param} over {proxy+}, an exact method over ANY); `$default` catches the rest."""
    best: tuple[tuple[int, ...], RouteMatch] | None = None
    fallback: RouteMatch | None = None
    method = method.upper()
    for route in routes:
        if route.route_key == "$default":
            fallback = RouteMatch(route, {})
            continue
        if route.method not in (method, "ANY"):
            continue
        matched = _match_path(route.path, path)
        if matched is None:
            continue
        params, literals, greedy = matched
        rank = (int(not greedy), literals, int(route.method == method))
        if best is None or rank > best[0]:
            best = (rank, RouteMatch(route, params))
    return best[1] if best else fallback


def _match_path(template: str, path: str) -> tuple[dict[str, str], int, bool] | None:
    want = [s for s in template.split("/") if s]
    have = [s for s in path.split("/") if s]
    params: dict[str, str] = {}
    literals = 0
    for i, segment in enumerate(want):
        if segment.startswith("{") and segment.endswith("+}"):
            if i >= len(have):
                return None
            params[segment[1:-2]] = "/".join(have[i:])
            return params, literals, True
        if i >= len(have):
            return None
        if segment.startswith("{") and segment.endswith("}"):
            params[segment[1:-1]] = have[i]
        elif segment != have[i]:
            return None
        else:
            literals += 1
    if len(have) != len(want):
        return None
    return params, literals, False


def render_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    """Claims as the HTTP API JWT authorizer passes them: every value a string, arrays
    as "[a b]" (so `cognito:groups` arrives as "[registrar clerk]")."""
    rendered: dict[str, str] = {}
    for name, value in claims.items():
        if isinstance(value, list | tuple):
            rendered[name] = "[" + " ".join(str(v) for v in value) + "]"
        elif isinstance(value, bool):
            rendered[name] = "true" if value else "false"
        elif isinstance(value, dict):
            rendered[name] = json.dumps(value)
        else:
            rendered[name] = str(value)
    return rendered


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    source_ip: str = "127.0.0.1"


def build_event(
    request: HttpRequest,
    match: RouteMatch,
    *,
    claims: Mapping[str, Any] | None,
    account: str,
    api_id: str = "local",
) -> dict[str, Any]:
    headers = {k.lower(): v for k, v in request.headers.items()}
    now = datetime.now(UTC)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": match.route.route_key,
        "rawPath": request.path,
        "rawQueryString": request.query,
        "headers": headers,
        "requestContext": {
            "accountId": account,
            "apiId": api_id,
            "domainName": headers.get("host", "127.0.0.1"),
            "domainPrefix": headers.get("host", "127.0.0.1").split(".")[0],
            "http": {
                "method": request.method.upper(),
                "path": request.path,
                "protocol": "HTTP/1.1",
                "sourceIp": request.source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": uuid.uuid4().hex[:16],
            "routeKey": match.route.route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(time.time() * 1000),
        },
        "isBase64Encoded": False,
    }
    if "cookie" in headers:
        event["cookies"] = [c.strip() for c in headers.pop("cookie").split(";")]
    if request.query:
        query: dict[str, str] = {}
        for key, value in parse_qsl(request.query, keep_blank_values=True):
            query[key] = f"{query[key]},{value}" if key in query else value
        event["queryStringParameters"] = query
    if match.path_parameters:
        event["pathParameters"] = match.path_parameters
    if claims is not None:
        scopes = claims.get("scope")
        event["requestContext"]["authorizer"] = {
            "jwt": {
                "claims": render_claims(claims),
                "scopes": str(scopes).split() if scopes else None,
            }
        }
    if request.body:
        try:
            event["body"] = request.body.decode("utf-8")
        except UnicodeDecodeError:
            event["body"] = base64.b64encode(request.body).decode()
            event["isBase64Encoded"] = True
    return event


@dataclass(frozen=True)
class ApiResult:
    status: int
    headers: dict[str, str]
    body: bytes
    error: str | None = None  # the traceback when the function failed

    @property
    def json(self) -> Any:
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def response_from_result(result: Any) -> ApiResult:
    """Payload 2.0 response rules: a dict with statusCode is a response; anything else
    is a 200 with the value as JSON."""
    if not (isinstance(result, dict) and "statusCode" in result):
        return ApiResult(200, {"content-type": "application/json"}, json.dumps(result).encode())
    headers = {k.lower(): str(v) for k, v in (result.get("headers") or {}).items()}
    for k, values in (result.get("multiValueHeaders") or {}).items():
        headers[k.lower()] = ",".join(str(v) for v in values)
    cookies = result.get("cookies") or []
    if cookies:
        headers["set-cookie"] = ", ".join(cookies)
    body = result.get("body") or ""
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
    return ApiResult(int(result["statusCode"]), headers, raw)


def problem_result(status: int, title: str, detail: str) -> ApiResult:
    document = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    headers = {"content-type": "application/problem+json"}
    if status == 401:
        headers["www-authenticate"] = 'Bearer realm="onetrip"'
    return ApiResult(status, headers, json.dumps(document).encode())


def not_found_result() -> ApiResult:
    return ApiResult(404, {"content-type": "application/json"}, b'{"message":"Not Found"}')


def internal_error_result(error: str | None = None) -> ApiResult:
    body = b'{"message":"Internal Server Error"}'
    return ApiResult(500, {"content-type": "application/json"}, body, error)


class Authorizer(Protocol):
    def claims(self, authorization: str | None) -> dict[str, Any]: ...


def serve_request(
    request: HttpRequest,
    routes: Iterable[Route],
    *,
    verifier: Authorizer,
    invoke: Callable[[str, dict[str, Any]], Any],
    account: str,
    claims: Mapping[str, Any] | None = None,
) -> ApiResult:
    """Route, authorize (unless verified `claims` are given), invoke, shape the response."""
    match = match_route(routes, request.method, request.path)
    if match is None:
        return not_found_result()
    if match.route.is_public:
        claims = None
    elif claims is None:
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            claims = verifier.claims(headers.get("authorization"))
        except Exception as error:  # any rejection is a 401, as at the authorizer
            return problem_result(401, "Unauthorized", f"Bearer token rejected: {error}.")
    event = build_event(request, match, claims=claims, account=account)
    try:
        result = invoke(match.route.function, event)
    except Exception:
        return internal_error_result(traceback.format_exc())
    return response_from_result(result)
