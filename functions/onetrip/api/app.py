"""The HTTP resolver every API function uses: validation, problems, caller identity."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from aws_lambda_powertools.utilities.typing import LambdaContext

from onetrip.api.auth import Caller, caller_from_claims
from onetrip.api.problems import from_domain_error, from_validation_errors, problem
from onetrip.errors import DomainError

logger = Logger()

API_TITLE = "onetrip"
API_VERSION = "1.0.0"


def make_api(*routers: Router) -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(enable_validation=True)

    @app.exception_handler(RequestValidationError)
    def _invalid(error: RequestValidationError) -> Response:
        return from_validation_errors(error.errors())

    @app.exception_handler(DomainError)
    def _domain(error: DomainError) -> Response:
        return from_domain_error(error)

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


def json_response(status: int, body: Any) -> Response:
    return Response(
        status_code=status,
        content_type="application/json",
        body=json.dumps(body, ensure_ascii=False),
    )


def created(body: dict[str, Any]) -> Response:
    return json_response(201, body)


LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def http_entry(*routers: Router) -> tuple[APIGatewayHttpResolver, LambdaHandler]:
    """The resolver for these routers and the Lambda handler that serves it."""
    app = make_api(*routers)

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return app.resolve(event, context)

    return app, handler
