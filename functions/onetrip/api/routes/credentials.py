"""/credential-types and /credentials — the citizen wallet (无证明城市)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body as BodyParam
from pydantic import Field, WithJsonSchema

from onetrip.api.app import allow, beyond_schema, created, current_caller, current_stores
from onetrip.api.auth import Role
from onetrip.api.responses import LIST, READ, WITH_BODY, documented
from onetrip.api.schemas import Body
from onetrip.clock import now
from onetrip.domain.credential_types import CREDENTIAL_TYPES, CredentialKind
from onetrip.domain.id_number import IdNumberText
from onetrip.domain.petition import ShortText
from onetrip.logic.credentials import proofs, wallet
from onetrip.logic.credentials.stores import CredentialStores

router = Router()


# What parse_public_jwk takes, as far as JSON Schema can say (the point must also be on
# the curve: see the route's x-rules-beyond-schema).
_COORDINATE = {"type": "string", "pattern": "^[A-Za-z0-9_-]{43}$"}
_HOLDER_JWK = {
    "anyOf": [
        {
            "type": "object",
            "required": ["kty", "crv", "x", "y"],
            "properties": {
                "kty": {"const": "EC"},
                "crv": {"const": "P-256"},
                "x": _COORDINATE,
                "y": _COORDINATE,
            },
        },
        {"type": "null"},
    ]
}


class CredentialRequest(Body):
    type: str = Field(
        min_length=1,
        max_length=50,
        json_schema_extra={
            "enum": [name for name, kind in CREDENTIAL_TYPES.items() if kind.missing_source is None]
        },
    )
    person_id: str | None = Field(default=None, min_length=1, max_length=100)
    # Checked by the logic (after the role check) so a bad key is a 422 naming holderJwk.
    holder_jwk: Annotated[Any, WithJsonSchema(_HOLDER_JWK)] = None


class ProofRequest(Body):
    type: str = Field(
        min_length=1,
        max_length=50,
        json_schema_extra={
            "enum": [
                name
                for name, kind in CREDENTIAL_TYPES.items()
                if kind.kind == CredentialKind.PROOF and kind.missing_source is None
            ]
        },
    )
    # An unknown or malformed number is a 404 (no such person), as on /persons/lookup.
    id_number: IdNumberText
    purpose: ShortText
    legal_basis: ShortText


class Revocation(Body):
    reason: Literal["lost", "data_changed", "issued_in_error"]


# Served by CloudFront from S3, not by a function (docs/decisions.md): documented here so
# the API's one document names every path of the contract.
STATIC_PATHS: dict[str, Any] = {
    "/status-lists/{listId}": {
        "get": {
            "summary": "A signed status list (IETF Token Status List; no token, cacheable)",
            "tags": ["credentials"],
            "security": [{}],
            "parameters": [
                {"name": "listId", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": {
                    "description": "statuslist+jwt: bits 2, lst = base64url(ZLIB(entries)), "
                    "ttl; entry 0 valid, 1 invalid, 2 suspended. Cache-Control max-age = ttl.",
                    "content": {"application/statuslist+jwt": {"schema": {"type": "string"}}},
                },
                "403": {"description": "No such list (S3 behind origin access control)"},
            },
        }
    }
}


def _stores() -> CredentialStores:
    return cast(CredentialStores, current_stores())


@router.get(
    "/credential-types",
    summary="The catalogue of e-certificates and proofs (any token)",
    tags=["credentials"],
    responses=documented(200, "Every credential type", *READ, body=LIST),
    openapi_extensions=allow(*Role),
)
def list_credential_types() -> list[dict[str, Any]]:
    current_caller(router)
    return wallet.credential_types()


@router.post(
    "/credentials",
    summary="Issue a credential (citizen for self; clerk for a person)",
    tags=["credentials"],
    responses=documented(201, "The issued SD-JWT VC and its record", *WITH_BODY, 404),
    openapi_extensions={
        **allow(Role.CITIZEN, Role.CLERK),
        **beyond_schema(
            {
                "personId": "given by a clerk (the person the credential is for)",
                "holderJwk": "a point on the P-256 curve",
            }
        ),
    },
)
def issue_credential(body: Annotated[CredentialRequest, BodyParam()]) -> Response[Any]:
    credential = wallet.issue(
        _stores(), current_caller(router), type_=body.type, person_id=body.person_id,
        holder_jwk=body.holder_jwk, at=now(),
    )  # fmt: skip
    return created(credential.as_api())


@router.get(
    "/credentials",
    summary="The citizen's own credentials, newest first",
    tags=["credentials"],
    responses=documented(200, "The wallet", *READ, body=LIST),
    openapi_extensions=allow(Role.CITIZEN),
)
def list_credentials() -> list[dict[str, Any]]:
    return [c.as_api() for c in wallet.list_own(_stores(), current_caller(router))]


@router.get(
    "/credentials/activity",
    summary="Who saw what of my credentials: presentations and shared e-proofs (citizen)",
    tags=["credentials"],
    responses=documented(
        200,
        "[{at, party, partyKind, type, claims: [names], result, purpose, ...}], newest "
        "first; claim names only, never values",
        *READ,
        body=LIST,
    ),
    openapi_extensions=allow(Role.CITIZEN),
)
def list_activity() -> list[dict[str, Any]]:
    return [entry.as_api() for entry in wallet.activity(_stores(), current_caller(router))]


@router.post(
    "/proof-requests",
    summary="Share a police proof about a person with the asking agency or clerk",
    tags=["credentials"],
    responses=documented(
        201,
        "{requestId, credential}: bound to the asker (aud), valid for a day, logged in "
        "the person's activity",
        *WITH_BODY,
        404,
    ),
    openapi_extensions=allow(Role.AGENCY, Role.CLERK),
)
def request_proof(body: Annotated[ProofRequest, BodyParam()]) -> Response[Any]:
    shared = proofs.share(
        _stores(), current_caller(router), type_=body.type, id_number=body.id_number,
        purpose=body.purpose, legal_basis=body.legal_basis, at=now(),
    )  # fmt: skip
    return created(shared.as_api())


@router.get(
    "/credentials/<credentialId>",
    summary="One credential (citizen: own; registrar)",
    tags=["credentials"],
    responses=documented(200, "The credential", *READ, 404),
    openapi_extensions=allow(Role.CITIZEN, Role.REGISTRAR),
)
def get_credential(credentialId: str) -> dict[str, Any]:  # noqa: N803 - path name from API.md
    return wallet.get(_stores(), current_caller(router), credentialId).as_api()


@router.post(
    "/credentials/<credentialId>/revocation",
    summary="Revoke a credential for good (citizen: own; registrar; issuer_admin)",
    tags=["credentials"],
    responses=documented(200, "The revoked credential", *WITH_BODY, 404, 409),
    openapi_extensions=allow(Role.CITIZEN, Role.REGISTRAR, Role.ISSUER_ADMIN),
)
def revoke_credential(
    credentialId: str,  # noqa: N803 - path name from API.md
    body: Annotated[Revocation, BodyParam()],
) -> dict[str, Any]:
    caller = current_caller(router)
    return wallet.revoke(_stores(), caller, credentialId, reason=body.reason, at=now()).as_api()
