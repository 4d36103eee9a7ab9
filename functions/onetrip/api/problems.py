"""RFC 9457 problem+json responses for every error the API returns."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from aws_lambda_powertools.event_handler import Response

from onetrip.errors import (
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    InvalidInput,
    MalformedInput,
    NotFound,
    Unauthorized,
)

PROBLEM_JSON = "application/problem+json"

_STATUS: list[tuple[type[DomainError], int, str]] = [
    (MalformedInput, 400, "Malformed request"),
    (Unauthorized, 401, "Unauthorized"),
    (Forbidden, 403, "Forbidden"),
    (NotFound, 404, "Not found"),
    (Conflict, 409, "Conflict"),
    (InvalidInput, 422, "Invalid request"),
]


def problem(status: int, title: str, detail: str, errors: Iterable[FieldError] = ()) -> Response:
    body: dict[str, Any] = {
        "type": f"https://onetrip.example/problems/{title.lower().replace(' ', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    error_list = [e.as_dict() for e in errors]
    if error_list:
        body["errors"] = error_list
    return Response(
        status_code=status,
        content_type=PROBLEM_JSON,
        body=json.dumps(body, ensure_ascii=False),
    )


def malformed(detail: str) -> Response:
    return problem(400, "Malformed request", detail)


def unsupported_media_type(media_type: str = "application/json") -> Response:
    return problem(415, "Unsupported media type", f"Send the request body as {media_type} (UTF-8).")


def from_domain_error(error: DomainError) -> Response:
    for cls, status, title in _STATUS:
        if isinstance(error, cls):
            return problem(status, title, error.detail, error.errors)
    return problem(500, "Internal error", "Unexpected error.")


def _field_path(loc: Sequence[Any]) -> str:
    # Powertools reports ("body", "changes", "idNumber"); clients know "changes.idNumber".
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _whole_body_unusable(error: Mapping[str, Any]) -> bool:
    """Invalid JSON, or no body / not an object where one is expected (not a nested field)."""
    loc = tuple(error.get("loc", ()))
    if error.get("type") == "json_invalid":
        return True
    return loc == ("body",) and error.get("type") in ("missing", "model_attributes_type")


def from_validation_errors(errors: Sequence[Mapping[str, Any]]) -> Response:
    if any(_whole_body_unusable(e) for e in errors):
        return malformed("The request body must be a JSON object.")
    field_errors = [FieldError(_field_path(e.get("loc", ())), _message(e)) for e in errors]
    detail = "; ".join(f"{fe.field}: {fe.message}" for fe in field_errors)
    return problem(422, "Invalid request", detail, field_errors)


def _message(error: Mapping[str, Any]) -> str:
    msg = str(error.get("msg", "is invalid"))
    # pydantic prefixes custom validator messages with "Value error, ".
    return msg.removeprefix("Value error, ")
