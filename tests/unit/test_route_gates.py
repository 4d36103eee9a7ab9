"""Every route declares who may call it, or the function does not start."""

from __future__ import annotations

import pytest
from aws_lambda_powertools.event_handler.api_gateway import Router
from onetrip.api.app import PUBLIC, ROLES_EXTENSION, allow, http_entry
from onetrip.domain.access import Role


def test_a_route_without_roles_or_public_fails_at_cold_start() -> None:
    router = Router()

    @router.get("/forgotten")
    def forgotten() -> dict[str, str]:
        return {}

    with pytest.raises(TypeError, match="GET /forgotten declares neither"):
        http_entry(router)


def test_roles_and_public_routes_are_accepted() -> None:
    router = Router()

    @router.get("/open", security=PUBLIC)
    def open_route() -> dict[str, str]:
        return {}

    @router.post("/things/<thingId>", openapi_extensions=allow(Role.CLERK, Role.OPS))
    def post_thing(thingId: str) -> dict[str, str]:  # noqa: N803
        return {}

    app, _ = http_entry(router)
    assert allow(Role.CLERK) == {ROLES_EXTENSION: ["clerk"]}
    assert app is not None
