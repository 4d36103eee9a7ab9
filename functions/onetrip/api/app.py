"""The HTTP resolver every API function uses: validation, problems, caller identity."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.exceptions import ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from aws_lambda_powertools.utilities.typing import LambdaContext

from onetrip.api.auth import Caller, Role, caller_from_claims
from onetrip.api.problems import (
    PROBLEM_JSON,
    from_domain_error,
    from_validation_errors,
    malformed,
    problem,
    unsupported_media_type,
)
from onetrip.errors import DomainError
from onetrip.settings import Settings, get_settings

logger = Logger()

API_TITLE = "onetrip"
API_VERSION = "1.0.0"

# A route's `security` when no token is needed (API.md, Conventions): an empty requirement.
PUBLIC: list[dict[str, list[str]]] = [{}]
# The OpenAPI extension in which a route declares the roles that may call it.
ROLES_EXTENSION = "x-roles"
# The OpenAPI extension in which a route declares a body that is not JSON (its media type).
BODY_EXTENSION = "x-body-media-type"
# ... and the JSON Schema of that text (published as the operation's requestBody).
BODY_SCHEMA_EXTENSION = "x-body-schema"
# The OpenAPI extension listing the rules a route checks that JSON Schema cannot state
# (between fields, against a signature or the clock): a body the schema allows may still
# get a 422 for exactly these, and for nothing else.
RULES_EXTENSION = "x-rules-beyond-schema"


def allow(*roles: Role) -> dict[str, Any]:
    """A route's `openapi_extensions`: the roles that may call it (any one of them).

    `http_entry` checks them before it reads the body, so a caller without the role gets
    403 and never learns the body's schema from a 400/422; ownership and finer rules stay
    in logic. The list is published in the OpenAPI document.
    """
    return {ROLES_EXTENSION: [role.value for role in roles]}


def beyond_schema(rules: Mapping[str, str]) -> dict[str, Any]:
    """A route's `openapi_extensions`: field (as a 422 names it) -> the rule it checks
    there that its JSON Schema cannot express (between fields, against the registry, a
    signature or the clock). A schema-valid request gets a 422 for these and no other."""
    return {RULES_EXTENSION: dict(rules)}


def text_body(media_type: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A route's `openapi_extensions` when its body is text of `media_type` (e.g. a CSV
    file), not a JSON object: `http_entry` then takes that media type and no other, and
    hands the route the body as UTF-8 text."""
    return {BODY_EXTENSION: media_type, BODY_SCHEMA_EXTENSION: schema}


def make_api(*routers: Router) -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(enable_validation=True)

    @app.exception_handler(RequestValidationError)
    def _invalid(error: RequestValidationError) -> Response:
        return from_validation_errors(error.errors())

    @app.exception_handler(DomainError)
    def _domain(error: DomainError) -> Response:
        return from_domain_error(error)

    @app.exception_handler(RequestUnsupportedContentType)
    def _media_type(error: RequestUnsupportedContentType) -> Response:
        return unsupported_media_type()

    @app.exception_handler(ServiceError)
    def _service(error: ServiceError) -> Response:
        # Powertools' own errors (e.g. NotFoundError: no route in this function matches).
        # Without this the catch-all below would turn them into a 500.
        if error.status_code == 404:
            return problem(404, "Not found", "No such resource.")
        return problem(error.status_code, HTTPStatus(error.status_code).phrase, str(error.msg))

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response:
        # Log the type and place only: messages may quote request data.
        logger.exception("unhandled error", extra={"errorType": type(error).__name__})
        return problem(500, "Internal error", "Unexpected error; it has been logged.")

    for router in routers:
        app.include_router(router)
    return app


def current_caller(router: Router) -> Caller:
    """The caller of the request `router` is handling now."""
    event: APIGatewayProxyEventV2 = router.current_event  # type: ignore[assignment]
    authorizer = event.request_context.authorizer
    return caller_from_claims(authorizer.jwt_claim if authorizer is not None else None)


# What the function's composition root built, for the invocation being resolved. Not the
# router's context: a router object is shared by every resolver that includes it.
_STORES: ContextVar[Any] = ContextVar("stores", default=None)


def current_stores() -> Any:
    """What the function's composition root (handlers/wiring.py) built for this invocation."""
    stores = _STORES.get()
    if stores is None:
        raise LookupError("no stores: the handler was built without `stores=`")
    return stores


def json_response(status: int, body: Any) -> Response:
    return Response(
        status_code=status,
        content_type="application/json",
        body=json.dumps(body, ensure_ascii=False),
    )


def created(body: dict[str, Any]) -> Response:
    return json_response(201, body)


LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def http_entry(
    *routers: Router, stores: Callable[[Settings], object] | None = None
) -> tuple[APIGatewayHttpResolver, LambdaHandler]:
    """The resolver for these routers and the Lambda handler that serves it; `stores`
    (from handlers/wiring.py) builds what the routes work on, once per settings."""
    app = make_api(*routers)
    gates = route_gates(app)
    text_bodies = {
        f"{route.method} {route.openapi_path}": media_type
        for route in app._static_routes + app._dynamic_routes
        if (media_type := (route.openapi_extensions or {}).get(BODY_EXTENSION))
    }

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        try:
            check_route_roles(gates, event)
            event = json_body_event(event, text_bodies.get(str(event.get("routeKey"))))
        except _Refused as refused:
            return _proxy_result(refused.response)
        token = _STORES.set(stores(get_settings()) if stores is not None else None)
        try:
            return app.resolve(event, context)
        finally:
            _STORES.reset(token)

    return app, handler


def route_gates(app: APIGatewayHttpResolver) -> dict[str, tuple[Role, ...] | None]:
    """Route key ("POST /persons/{personId}", as API Gateway names it) -> the roles that
    may call it, or None for a public route. A route that declares neither is a defect:
    it fails here, at cold start, rather than answering anyone."""
    gates: dict[str, tuple[Role, ...] | None] = {}
    # Powertools keeps the registered routes only in these attributes.
    for route in app._static_routes + app._dynamic_routes:
        key = f"{route.method} {route.openapi_path}"
        roles = (route.openapi_extensions or {}).get(ROLES_EXTENSION)
        if roles:
            gates[key] = tuple(Role(role) for role in roles)
        elif route.security == PUBLIC:
            gates[key] = None
        else:
            raise TypeError(f"{key} declares neither its roles (allow(...)) nor PUBLIC")
    return gates


def check_route_roles(gates: Mapping[str, tuple[Role, ...] | None], event: dict[str, Any]) -> None:
    """401 without a verified caller, 403 without one of the route's roles: before the body
    is read. An event for a route this function does not declare is a 404 (fail closed)."""
    route_key = str(event.get("routeKey"))
    if route_key not in gates:
        raise _Refused(problem(404, "Not found", "No such resource."))
    roles = gates[route_key]
    if roles is None:
        return
    claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt") or {}
    try:
        caller_from_claims(claims.get("claims")).require(*roles)
    except DomainError as error:
        raise _Refused(from_domain_error(error)) from None


class _Refused(Exception):
    """A request answered before the resolver runs (role, then body)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity: Python accepts them, RFC 8259 not


def json_body_event(event: dict[str, Any], text_media_type: str | None = None) -> dict[str, Any]:
    """The event with its body as UTF-8 text, once the body is known to be a JSON object
    (or, for a route declaring `text_body(media_type)`, text of exactly that media type).

    Every other request body of this API is a JSON object (API.md, Conventions). Checked here,
    before Powertools parses it, because Powertools would otherwise answer a non-UTF-8
    body, a text/plain or multipart body with a 500, and silently take the first element
    of a JSON array as the object. Raises _Refused with the problem to answer.
    """
    body = event.get("body")
    if not body:
        return event
    headers: Mapping[str, str] = event.get("headers") or {}
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    accepted = (text_media_type,) if text_media_type else ("", "application/json")
    if media_type not in accepted:
        raise _Refused(unsupported_media_type(text_media_type or "application/json"))
    try:
        raw = base64.b64decode(body, validate=True) if event.get("isBase64Encoded") else body
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except (binascii.Error, UnicodeDecodeError):
        raise _Refused(malformed("The request body is not UTF-8 text.")) from None
    if text_media_type:
        return {**event, "body": text, "isBase64Encoded": False}
    try:
        parsed = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise _Refused(malformed("The request body is not valid JSON.")) from None
    if not isinstance(parsed, dict):
        raise _Refused(malformed("The request body must be a JSON object."))
    return {**event, "body": text, "isBase64Encoded": False}


def _proxy_result(response: Response) -> dict[str, Any]:
    """An HTTP API (payload 2.0) result for a response built before the resolver ran."""
    return {
        "statusCode": response.status_code,
        "headers": {"Content-Type": response.content_type or PROBLEM_JSON},
        "body": response.body,
        "isBase64Encoded": False,
    }
