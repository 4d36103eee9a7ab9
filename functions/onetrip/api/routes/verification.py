"""/venues and /verifications — the verifying side of the no-certificate city (无证明城市),
and /venue, the desk page a venue verifies with."""

from __future__ import annotations

import io
from importlib import resources
from typing import Annotated, Any

import segno
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body as BodyParam
from pydantic import Field, StringConstraints

from onetrip.api.app import PUBLIC, allow, beyond_schema, created, current_caller, current_stores
from onetrip.api.auth import Role
from onetrip.api.responses import READ, WITH_BODY, documented
from onetrip.api.schemas import Body
from onetrip.clock import now
from onetrip.domain.credential_types import CREDENTIAL_TYPES
from onetrip.domain.petition import NOT_BLANK, STRIP, ShortText
from onetrip.domain.venues import VenueKind
from onetrip.logic.verification import requests, venues
from onetrip.logic.verification.stores import VerificationStores

router = Router()

_SVG: Any = {"description": "SVG", "content": {"image/svg+xml": {"schema": {"type": "string"}}}}

# API.md: a presentation over 64 KB is rejected by the `signature` check (too_large), so
# the body may carry it; anything far beyond is not a presentation at all.
MAX_BODY_PRESENTATION = 1024 * 1024


class VenueBody(Body):
    name: ShortText
    kind: VenueKind
    district: Annotated[str, StringConstraints(min_length=1, max_length=50), STRIP,
                        Field(json_schema_extra=NOT_BLANK)]  # fmt: skip


class VerificationBody(Body):
    type: str = Field(
        min_length=1, max_length=50, json_schema_extra={"enum": list(CREDENTIAL_TYPES)}
    )
    claims: list[str] = Field(min_length=1, max_length=20)
    purpose: ShortText


class PresentationBody(Body):
    presentation: str = Field(min_length=1, max_length=MAX_BODY_PRESENTATION)


def _stores() -> VerificationStores:
    stores: VerificationStores = current_stores()
    return stores


@router.post(
    "/venues",
    summary="Register a venue that verifies credentials (issuer_admin)",
    tags=["verification"],
    responses=documented(201, "The venue, with what its kind may ask for (mayAsk)", *WITH_BODY),
    openapi_extensions=allow(Role.ISSUER_ADMIN),
)
def register_venue(body: Annotated[VenueBody, BodyParam()]) -> Response[Any]:
    venue = venues.register(
        _stores(), current_caller(router), name=body.name, kind=body.kind,
        district=body.district, at=now(),
    )  # fmt: skip
    return created(venue.as_api())


@router.get(
    "/venues/<venueId>",
    summary="A venue and what it may ask for (issuer_admin; a venue: itself)",
    tags=["verification"],
    responses=documented(200, "The venue", *READ, 404),
    openapi_extensions=allow(Role.ISSUER_ADMIN, Role.VENUE),
)
def get_venue(venueId: str) -> dict[str, Any]:  # noqa: N803 - path name
    return venues.get(_stores(), current_caller(router), venueId).as_api()


@router.post(
    "/verifications",
    summary="Ask a citizen's wallet for claims (venue; only what its kind may ask: 403)",
    tags=["verification"],
    responses=documented(
        201, "The pending request: nonce, audience, expiresAt, requestUri", *WITH_BODY
    ),  # fmt: skip
    openapi_extensions={
        **allow(Role.VENUE),
        **beyond_schema({"claims": "each a claim of the type, asked for once"}),
    },
)
def create_verification(body: Annotated[VerificationBody, BodyParam()]) -> Response[Any]:
    stores = _stores()
    verification = requests.create(
        stores, current_caller(router), type_=body.type, claims=body.claims,
        purpose=body.purpose, at=now(),
    )  # fmt: skip
    return created(verification.request_api(stores.request_uri(verification.verification_id)))


@router.get(
    "/verifications/<verificationId>",
    summary="The verdict, check by check, and only the disclosed claims (venue: own)",
    tags=["verification"],
    responses=documented(200, "status, checks, claims", *READ, 404),
    openapi_extensions=allow(Role.VENUE),
)
def get_verification(verificationId: str) -> dict[str, Any]:  # noqa: N803 - path name
    verification = requests.for_venue(_stores(), current_caller(router), verificationId)
    return verification.result_api(now())


@router.get(
    "/verifications/<verificationId>/qr.svg",
    summary="The request as a QR code of its requestUri (venue: own)",
    tags=["verification"],
    responses={**documented(200, "SVG", *READ, 404), 200: _SVG},
    openapi_extensions=allow(Role.VENUE),
)
def verification_qr(verificationId: str) -> Response[Any]:  # noqa: N803 - path name
    stores = _stores()
    verification = requests.for_venue(stores, current_caller(router), verificationId)
    svg = io.BytesIO()  # a standalone SVG (with its namespace): an <img> can show it
    segno.make(stores.request_uri(verification.verification_id), error="m").save(
        svg, kind="svg", xmldecl=False, scale=6, border=2
    )
    return Response(
        status_code=200,
        content_type="image/svg+xml",
        body=svg.getvalue().decode("utf-8"),
        headers={"Cache-Control": "no-store"},
    )


@router.get(
    "/verifications/<verificationId>/request",
    summary="What the wallet shows before the citizen consents (citizen)",
    tags=["verification"],
    responses=documented(
        200, "venue, purpose, type, claims, nonce, audience, expiresAt", *READ, 404
    ),  # fmt: skip
    openapi_extensions=allow(Role.CITIZEN),
)
def wallet_request(verificationId: str) -> dict[str, Any]:  # noqa: N803 - path name
    return requests.for_wallet(_stores(), current_caller(router), verificationId).wallet_api()


@router.post(
    "/verifications/<verificationId>/presentation",
    summary="Present a credential (citizen): SD-JWT + disclosures + KB-JWT; one per request",
    tags=["verification"],
    responses=documented(
        200, "{status}: verified | rejected (with failedCheck)", *WITH_BODY, 404, 409
    ),  # fmt: skip
    openapi_extensions=allow(Role.CITIZEN),
)
def present(
    verificationId: str,  # noqa: N803 - path name
    body: Annotated[PresentationBody, BodyParam()],
) -> dict[str, Any]:
    answered = requests.present(
        _stores(), current_caller(router), verificationId, presentation=body.presentation,
        at=now(),
    )  # fmt: skip
    result: dict[str, Any] = {"verificationId": answered.verification_id, "status": answered.status}
    if answered.failed_check:
        result |= {"failedCheck": answered.failed_check, "reason": answered.reason}
    return result


@router.get(
    "/venue",
    summary="The venue desk page (no token; the page asks for the venue's token)",
    tags=["verification"],
    security=PUBLIC,
    responses={200: {"description": "HTML", "content": {"text/html": {}}}},
)
def venue_page() -> Response[Any]:
    page = resources.files("onetrip.api").joinpath("pages/venue.html").read_text("utf-8")
    return Response(
        status_code=200,
        content_type="text/html; charset=utf-8",
        body=page,
        headers={
            # Everything the page runs is in the page: no CDN, no other origin.
            "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; "
            "style-src 'unsafe-inline'; img-src blob: data:; connect-src 'self'; "
            "form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
            "Cache-Control": "no-cache",
        },
    )
