"""Unauthenticated: health, the OpenAPI document and Swagger UI."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from onetrip.api.app import PUBLIC
from onetrip.api.openapi import openapi_json, swagger_html
from onetrip.api.responses import documented

router = Router()


@router.get(
    "/health",
    summary="Liveness",
    tags=["meta"],
    security=PUBLIC,
    responses=documented(200, "{status: ok}"),
)
def health() -> dict[str, Any]:
    return {"status": "ok"}


@router.get(
    "/openapi.json",
    summary="This API's OpenAPI document",
    tags=["meta"],
    security=PUBLIC,
    responses=documented(200, "This document"),
)
def openapi() -> Response[Any]:
    return Response(status_code=200, content_type="application/json", body=openapi_json())


@router.get(
    "/docs",
    summary="Swagger UI",
    tags=["meta"],
    security=PUBLIC,
    responses=documented(
        200, "The Swagger UI page", body={"type": "string"}, media_type="text/html"
    ),
)
def docs() -> Response[Any]:
    return Response(status_code=200, content_type="text/html; charset=utf-8", body=swagger_html())
