"""The unauthenticated routes: health, the OpenAPI document and Swagger UI."""

from __future__ import annotations

import base64
import hashlib
import json
import re
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


def test_the_chart_page_needs_no_token_and_runs_only_its_own_script(cloud: Any) -> None:
    page = cloud.api("GET", "/stats")

    assert page.status == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    html = page.body.decode()
    # One inline script and one inline style, nothing fetched from elsewhere (no CDN).
    (script,) = re.findall(r"<script>(.*?)</script>", html, re.S)
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert not re.search(r"""(src|href)\s*=|https?://(?!www\.w3\.org/2000/svg)""", html)
    # The policy names exactly those two by their SHA-256 (CSP Level 2 hash sources).
    policy = dict(
        d.strip().split(" ", 1) for d in page.headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == f"'sha256-{_sha256(script)}'"
    assert policy["style-src"] == f"'sha256-{_sha256(style)}'"
    assert policy["connect-src"] == "'self'"
    for route in ("/stats/petitions", "/stats/identity-changes", "/stats/districts"):
        assert route in script


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
