"""The unauthenticated routes: health, the OpenAPI document and Swagger UI."""

from __future__ import annotations

import json
from typing import Any


def test_health_openapi_and_docs_need_no_token(cloud: Any) -> None:
    health = cloud.api("GET", "/health")
    assert (health.status, health.json) == (200, {"status": "ok"})

    spec = cloud.api("GET", "/openapi.json")
    assert spec.status == 200
    assert "/identity-changes" in spec.json["paths"]

    page = cloud.api("GET", "/docs")
    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")


def test_unknown_route_is_a_404_problem(cloud: Any) -> None:
    result = cloud.api("GET", "/nowhere")
    assert result.status == 404
    assert json.dumps(result.json)
