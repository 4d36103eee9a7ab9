"""OpenAPI response documentation: the success body and every problem a route can answer.

Keeps docs/openapi.json honest about 201/202 and the RFC 9457 problems (API.md,
Conventions), which Powertools cannot infer from the handlers.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}

_MEANING = {
    400: "Malformed request: the body is not a JSON object",
    401: "No valid bearer token",
    403: "The caller's role may not do this",
    404: "Unknown id, or not the caller's to see",
    409: "Conflicts with the current state",
    415: "The body is not application/json",
    422: "Well-formed but invalid; `errors` names each field",
}

# Every route with a JSON body can answer these; reads without a body fewer.
WITH_BODY = (400, 401, 403, 415, 422)
READ = (401, 403, 422)


OBJECT: dict[str, Any] = {"type": "object"}
LIST: dict[str, Any] = {"type": "array", "items": {"type": "object"}}


def documented(
    status: int,
    description: str,
    *errors: int,
    body: dict[str, Any] = OBJECT,
    media_type: str = "application/json",
) -> dict[int, OpenAPIResponse]:
    """The success response (a JSON object unless `body`/`media_type` say otherwise: a
    list route documents LIST) and the problems of `errors`."""
    responses: dict[int, OpenAPIResponse] = {
        status: {"description": description, "content": {media_type: {"schema": body}}}
    }
    for code in sorted(set(errors)):
        responses[code] = {
            "description": _MEANING[code],
            "content": {"application/problem+json": {"schema": PROBLEM_SCHEMA}},
        }
    return responses
