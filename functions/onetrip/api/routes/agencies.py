"""/agencies/{agency}/records — agency systems keep their records here (and registrars seed);
/agencies/{agency}/changes — agencies with their own systems pull and acknowledge."""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body as BodyParam
from pydantic import Field

from onetrip.api.app import allow, current_caller, current_stores, json_response
from onetrip.api.responses import WITH_BODY, documented
from onetrip.api.schemas import Body, IdNumberLookup, IsoDate
from onetrip.clock import now_iso
from onetrip.domain.access import Role
from onetrip.logic import agencies, agency_changes
from onetrip.logic.agency_changes import AgencyApiStores

router = Router()

# What a `webhook` agency receives (OpenAPI 3.1 `webhooks`): ids and field names only.
WEBHOOKS: dict[str, Any] = {
    "agencyChangeNotification": {
        "post": {
            "summary": "A linked update is due at your agency: pull, apply, acknowledge",
            "description": "Signed per Standard Webhooks (HMAC-SHA256 over "
            "`<webhook-id>.<webhook-timestamp>.<body>` with the shared secret, `v1,` "
            "prefix). Refuse a bad signature, a timestamp more than 5 minutes off and a "
            "`webhook-id` you have seen; answer 2xx quickly, then call "
            "`POST /agencies/{agency}/changes/lookup` and "
            "`POST /agencies/{agency}/changes/{notificationId}/ack`. A reminder after the "
            "deadline is a new delivery (new `webhook-id`, same `notificationId`).",
            "tags": ["agencies"],
            "parameters": [
                {"name": name, "in": "header", "required": True, "schema": {"type": "string"}}
                for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": [
                                "notificationId",
                                "applicationId",
                                "agency",
                                "changedFields",
                                "registryVersion",
                            ],
                            "properties": {
                                "notificationId": {"type": "string"},
                                "applicationId": {"type": "string"},
                                "agency": {"type": "string"},
                                "changedFields": {"type": "array", "items": {"type": "string"}},
                                "registryVersion": {"type": "integer"},
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": {"description": "Received (processing may continue afterwards)"},
                "400": {"description": "Refused: bad signature, stale or replayed"},
            },
        }
    }
}


class AgencyRecordBody(Body):
    """The ID number, the fields this agency holds, and its own reference."""

    id_number: str = Field(min_length=1, max_length=64)
    reference: str = Field(min_length=1, max_length=64)
    surname: str | None = Field(default=None, max_length=100)
    given_name: str | None = Field(default=None, max_length=100)
    gender: Literal["male", "female"] | None = None
    birth_date: IsoDate | None = None
    ethnicity: str | None = Field(default=None, max_length=20)


class NotificationLookup(Body):
    """Which notification the agency pulls the data of."""

    notification_id: str = Field(min_length=1, max_length=64)


class Acknowledgement(Body):
    """The agency's result: `applied` (its record now equals the registry), `not_applicable`
    (it holds no record of this person), `failed` (with `error`, for ops to follow up)."""

    result: Literal["applied", "not_applicable", "failed"]
    reference: str | None = Field(default=None, min_length=1, max_length=64)
    error: str | None = Field(default=None, min_length=1, max_length=500)


def _stores() -> AgencyApiStores:
    return cast(AgencyApiStores, current_stores())


@router.put(
    "/agencies/<agency>/records",
    summary="Create or replace a record (upsert by ID number)",
    tags=["agencies"],
    openapi_extensions=allow(*agencies.WRITERS),
    responses={
        **documented(200, "The record, replaced", *WITH_BODY, 404, 409),
        **documented(201, "The record, created"),
    },
)
def put_record(agency: str, body: Annotated[AgencyRecordBody, BodyParam()]) -> Response[Any]:
    fields = body.model_dump(by_alias=True, exclude_none=True)
    record, created = agencies.upsert(_stores().records, current_caller(router), agency, fields)
    return json_response(201 if created else 200, record)


@router.post(
    "/agencies/<agency>/records/lookup",
    summary="Find a record by current or former ID number",
    tags=["agencies"],
    openapi_extensions=allow(*agencies.WRITERS),
    responses=documented(200, "The agency record", *WITH_BODY, 404),
)
def lookup_record(agency: str, body: Annotated[IdNumberLookup, BodyParam()]) -> dict[str, Any]:
    return agencies.lookup(_stores().records, current_caller(router), agency, body.id_number)


@router.post(
    "/agencies/<agency>/changes/lookup",
    summary="Pull the current values a notification is about (the fields the agency holds)",
    description="The agency's own token. Returns `idNumber`, `formerIdNumbers` and the "
    "current values of exactly the fields the agency holds; the pull is written to the "
    "citizen's activity log. 404 for a notification that is not the agency's; 409 once "
    "the notification is acknowledged.",
    tags=["agencies"],
    openapi_extensions=allow(Role.AGENCY),
    responses=documented(200, "The held fields' current values", *WITH_BODY, 404, 409),
)
def pull_change(agency: str, body: Annotated[NotificationLookup, BodyParam()]) -> dict[str, Any]:
    return agency_changes.pull(
        _stores().changes, current_caller(router), agency, body.notification_id, at=now_iso()
    )


@router.post(
    "/agencies/<agency>/changes/<notificationId>/ack",
    summary="Acknowledge a notification: the agency's result settles the linked update",
    tags=["agencies"],
    openapi_extensions=allow(Role.AGENCY),
    responses=documented(200, "The acknowledgement, recorded", *WITH_BODY, 404, 409),
)
def acknowledge_change(
    agency: str,
    notificationId: str,
    body: Annotated[Acknowledgement, BodyParam()],  # noqa: N803
) -> dict[str, Any]:
    return agency_changes.acknowledge(
        _stores().changes,
        current_caller(router),
        agency,
        notificationId,
        result=body.result,
        reference=body.reference,
        error=body.error,
        at=now_iso(),
    )
