"""The OpenAPI document, generated from the route definitions themselves.

`python -m onetrip.api.openapi > docs/openapi.json` refreshes the committed copy; a test
fails when the two drift apart.
"""

from __future__ import annotations

import importlib
import json
from functools import lru_cache
from pathlib import Path

from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer
from aws_lambda_powertools.event_handler.openapi.swagger_ui import html as swagger_ui

from onetrip.api.app import API_TITLE, API_VERSION, make_api
from onetrip.api.routes.agencies import WEBHOOKS
from onetrip.api.routes.credentials import STATIC_PATHS

# Every route module of the public API, in the order they appear in the document.
ROUTE_MODULES = (
    "persons",
    "identity_changes",
    "agencies",
    "petitions",
    "tasks",
    "stats",
    "credentials",
    "issuer",
    "catalogue",
    "docs",
)

_DESCRIPTION = (
    "onetrip: 最多跑一次 public-security services — identity chain change "
    "(公民身份信息连锁变更), petition handling (一案三评八步法) and e-certificates in a "
    "citizen wallet (无证明城市, SD-JWT VC). Errors are RFC 9457 "
    "application/problem+json. ID numbers never appear in URLs. Each operation's "
    "`x-roles` lists the roles (`cognito:groups`) that may call it: any other caller gets "
    "403 before the body is read."
)


@lru_cache(maxsize=1)
def openapi_json() -> str:
    routers = [
        importlib.import_module(f"onetrip.api.routes.{name}").router for name in ROUTE_MODULES
    ]
    app = make_api(*routers)
    schema = app.get_openapi_json_schema(
        title=API_TITLE,
        version=API_VERSION,
        description=_DESCRIPTION,
        security_schemes={"jwt": HTTPBearer(bearerFormat="JWT")},
        security=[{"jwt": []}],
    )
    document = json.loads(schema)
    document["paths"].update(STATIC_PATHS)
    document["webhooks"] = WEBHOOKS
    return json.dumps(document, indent=2, ensure_ascii=False)


@lru_cache(maxsize=1)
def swagger_html() -> str:
    # The Swagger UI assets ship inside Powertools: the page works offline.
    assets = Path(swagger_ui.__file__).parent
    return swagger_ui.generate_swagger_html(
        spec=openapi_json(),
        swagger_js=(assets / "swagger-ui-bundle.min.js").read_text(),
        swagger_css=(assets / "swagger-ui.min.css").read_text(),
        swagger_base_url="",
        oauth2_config=None,
    )


if __name__ == "__main__":
    print(openapi_json())
