"""The HTTP resolver every API function uses: validation, problems, caller identity."""

from __future__ import annotations

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

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
    claims = None
    authorizer = router.current_event.request_context.authorizer
    if authorizer is not None:
        claims = authorizer.jwt_claim
    return caller_from_claims(claims)
