"""Issuer metadata (no token) and key rotation (issuer_admin)."""

from __future__ import annotations

from typing import Any, cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from onetrip.api.app import PUBLIC, allow, created, current_caller, current_stores, json_response
from onetrip.api.auth import Role
from onetrip.api.responses import READ, documented
from onetrip.clock import now
from onetrip.logic.credentials import keys
from onetrip.logic.credentials.stores import CredentialStores

router = Router()

# Verifiers cache the keys; a rotation adds a key before it signs anything they must check.
METADATA_MAX_AGE = 300


def _stores() -> CredentialStores:
    return cast(CredentialStores, current_stores())


@router.get(
    "/.well-known/jwt-vc-issuer",
    summary="SD-JWT VC issuer metadata: the issuer and its public keys (no token)",
    tags=["credentials"],
    security=PUBLIC,
    responses=documented(200, "{issuer, jwks}"),
)
def issuer_metadata() -> Response[Any]:
    response = json_response(200, keys.jwks(_stores(), now()))
    response.headers["Cache-Control"] = f"public, max-age={METADATA_MAX_AGE}"
    return response


@router.post(
    "/issuer-keys/rotation",
    summary="Rotate the issuer key: a new KMS key signs from now on (issuer_admin)",
    tags=["credentials"],
    responses=documented(201, "The new key's kid", *READ, 409),
    openapi_extensions=allow(Role.ISSUER_ADMIN),
)
def rotate_issuer_key() -> Response[Any]:
    return created(keys.rotate(_stores(), current_caller(router), now()))
