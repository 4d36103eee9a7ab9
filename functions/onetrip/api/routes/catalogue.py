"""/abolished-proofs — the catalogue of abolished proofs (取消的证明事项): public search,
versioned edits and CSV import (issuer_admin)."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body as BodyParam
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import ConfigDict, Field, JsonValue

from onetrip.api.app import PUBLIC, allow, beyond_schema, created, current_caller, text_body
from onetrip.api.responses import LIST, READ, WITH_BODY, documented
from onetrip.api.schemas import Body, NonBlank
from onetrip.dal.aws import secret_bytes
from onetrip.dal.catalogue import CatalogueStore
from onetrip.domain.catalogue import (
    CREDENTIAL_TYPES,
    MAX_BASIS,
    MAX_ISSUER,
    MAX_NAME,
    MIN_QUERY,
    Replacement,
)
from onetrip.domain.petition import STRIPPED
from onetrip.logic import catalogue
from onetrip.settings import get_settings

router = Router()


_TYPES: list[JsonValue] = [*sorted(CREDENTIAL_TYPES)]


class ProofEntryBody(Body):
    """An abolished proof. The rules (lengths, dates, replacement and credential type)
    are the catalogue's own, shared with the CSV import, and named per field on a 422."""

    model_config = ConfigDict(
        json_schema_extra={
            # entry_errors: a credential names its type, nothing else does.
            "oneOf": [
                {
                    "properties": {
                        "replacement": {"const": "credential"},
                        "credentialType": {"enum": list(_TYPES)},
                    },
                    "required": ["credentialType"],
                },
                {
                    "properties": {
                        "replacement": {"enum": ["data_sharing", "declaration", "none"]},
                        "credentialType": {"enum": [None, ""]},
                    },
                },
            ]
        }
    )

    name: NonBlank = Field(max_length=MAX_NAME)
    former_issuer: NonBlank = Field(max_length=MAX_ISSUER)
    abolished_at: str = Field(
        max_length=20,
        description="YYYY-MM-DD",
        json_schema_extra={
            "pattern": f"^[{STRIPPED}]*[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}[{STRIPPED}]*$"
        },
    )
    basis: NonBlank = Field(max_length=MAX_BASIS)
    replacement: str = Field(json_schema_extra={"enum": [r.value for r in Replacement]})
    credential_type: str | None = Field(default=None, max_length=64)


class ProofEditBody(ProofEntryBody):
    version: int = Field(ge=1, description="The version this edit is based on (409 if stale)")


# entry_errors beyond the schema (each field's length counts after trimming).
_ENTRY_RULES = {
    "name": f"at least {MIN_QUERY} letters or digits; at most {MAX_NAME} characters trimmed",
    "formerIssuer": f"has letters or digits; at most {MAX_ISSUER} characters trimmed",
    "basis": f"at most {MAX_BASIS} characters trimmed",
    "abolishedAt": "a real date",
}


@lru_cache(maxsize=1)
def _store() -> CatalogueStore:
    return CatalogueStore(get_settings().catalogue_table)


def _cursor_key() -> bytes:
    return secret_bytes(get_settings().catalogue_cursor_secret_arn)


@router.get(
    "/abolished-proofs",
    summary="Search the abolished proofs (no token): q in the name, agency = former issuer",
    tags=["catalogue"],
    security=PUBLIC,
    openapi_extensions=beyond_schema(
        {
            "q": f"at least {MIN_QUERY} letters or digits",
            "agency": "has letters or digits",
            "cursor": "one this search returned (it is signed, and bound to q and agency)",
        }
    ),
    responses=documented(200, "A page of entries, `cursor` when more follow", 422),
)
def search(
    q: Annotated[str | None, Query(max_length=100)] = None,
    agency: Annotated[str | None, Query(max_length=100)] = None,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
    limit: Annotated[int, Query(ge=1, le=catalogue.MAX_PAGE)] = catalogue.DEFAULT_PAGE,
) -> dict[str, Any]:
    return catalogue.search(_store(), _cursor_key(), q=q, agency=agency, cursor=cursor, limit=limit)


@router.post(
    "/abolished-proofs",
    summary="Add an abolished proof (issuer_admin)",
    tags=["catalogue"],
    openapi_extensions={**allow(*catalogue.EDITORS), **beyond_schema(_ENTRY_RULES)},
    responses=documented(201, "The entry, version 1", *WITH_BODY, 409),
)
def create(body: Annotated[ProofEntryBody, BodyParam()]) -> Response[Any]:
    fields = body.model_dump(by_alias=True)
    return created(catalogue.create(_store(), current_caller(router), fields))


@router.put(
    "/abolished-proofs/<proofId>",
    summary="Edit an abolished proof; the earlier versions are kept (issuer_admin)",
    tags=["catalogue"],
    openapi_extensions={**allow(*catalogue.EDITORS), **beyond_schema(_ENTRY_RULES)},
    responses=documented(200, "The entry, next version", *WITH_BODY, 404, 409),
)
def update(proofId: str, body: Annotated[ProofEditBody, BodyParam()]) -> dict[str, Any]:  # noqa: N803
    fields = body.model_dump(by_alias=True, exclude={"version"})
    return catalogue.update(_store(), current_caller(router), proofId, fields, body.version)


@router.get(
    "/abolished-proofs/<proofId>/history",
    summary="Every version of an entry, oldest first (issuer_admin)",
    tags=["catalogue"],
    openapi_extensions=allow(*catalogue.EDITORS),
    responses=documented(200, "The versions", *READ, 404, body=LIST),
)
def history(proofId: str) -> list[dict[str, Any]]:  # noqa: N803
    return catalogue.history(_store(), current_caller(router), proofId)


@router.post(
    "/abolished-proofs/import",
    summary=(
        "Import a CSV file (text/csv, UTF-8, header name,formerIssuer,abolishedAt,basis,"
        f"replacement,credentialType; ≤ {catalogue.MAX_IMPORT_LINES} lines, "
        f"≤ {catalogue.MAX_IMPORT_BYTES} bytes) (issuer_admin)"
    ),
    tags=["catalogue"],
    openapi_extensions={
        **allow(*catalogue.EDITORS),
        **text_body("text/csv", catalogue.CSV_BODY_SCHEMA),
        **beyond_schema(
            {
                "body": f"at most {catalogue.MAX_IMPORT_LINES} lines and "
                f"{catalogue.MAX_IMPORT_BYTES} bytes of UTF-8"
            }
        ),
    },
    responses=documented(
        200, "{imported, updated, unchanged, rejected: [{line, errors}]}", *WITH_BODY
    ),
)
def import_csv() -> dict[str, Any]:
    text = router.current_event.body or ""
    report = catalogue.import_csv(_store(), current_caller(router), text)
    return report.as_api()
