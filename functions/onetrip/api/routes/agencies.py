"""/agencies/{agency}/records — agency systems keep their records here (and registrars seed);
/agencies/{agency}/changes — agencies with their own systems pull and acknowledge."""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body as BodyParam
from pydantic import ConfigDict, Field, WithJsonSchema

from onetrip.api.app import allow, beyond_schema, current_caller, current_stores, json_response
from onetrip.api.responses import WITH_BODY, documented
from onetrip.api.schemas import (
    BIRTH_RULE,
    CONSISTENT_RULE,
    GB11643_RULE,
    NAME_RULE,
    Body,
    Ethnicity,
    GivenName,
    IdNumberLookup,
    IsoDate,
    NonBlank,
    Surname,
)
from onetrip.clock import now_iso
from onetrip.domain.access import Role
from onetrip.domain.id_number import IdNumberText
from onetrip.logic import agencies, agency_changes
from onetrip.logic.agency_changes import AgencyApiStores
from onetrip.routing import HELD_FIELDS

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

    id_number: IdNumberText
    reference: NonBlank = Field(min_length=1, max_length=64)
    surname: Surname | None = None
    given_name: GivenName | None = None
    gender: Literal["male", "female"] | None = None
    birth_date: IsoDate | None = None
    ethnicity: Ethnicity | None = None


def _per_agency_schema() -> dict[str, Any]:
    """One body shape per set of held fields (API.md's table, routing.HELD_FIELDS): every
    held field required, no other; the shapes exclude each other, hence oneOf."""
    properties = AgencyRecordBody.model_json_schema()["properties"]

    def present(name: str) -> dict[str, Any]:
        schema = dict(properties[name])
        variants = [v for v in schema.pop("anyOf", []) if v.get("type") != "null"]
        return {**schema, **(variants[0] if variants else {})}

    shapes: dict[tuple[str, ...], list[str]] = {}
    for agency, held in HELD_FIELDS.items():
        shapes.setdefault(tuple(f.value for f in held), []).append(agency.value)
    return {
        "oneOf": [
            {
                "type": "object",
                "description": "The body of " + ", ".join(agencies_),
                "additionalProperties": False,
                "required": list(dict.fromkeys(("idNumber", "reference", *held))),
                "properties": {n: present(n) for n in ("idNumber", "reference", *held)},
            }
            for held, agencies_ in shapes.items()
        ]
    }


class NotificationLookup(Body):
    """Which notification the agency pulls the data of."""

    notification_id: str = Field(min_length=1, max_length=64)


class Acknowledgement(Body):
    """The agency's result: `applied` (its record now equals the registry), `not_applicable`
    (it holds no record of this person), `failed` (with `error`, for ops to follow up)."""

    # acknowledge's rule, as JSON Schema says it: a failure says what went wrong.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"result": {"const": "failed"}}},
            "then": {"required": ["error"], "properties": {"error": {"type": "string"}}},
        }
    )

    result: Literal["applied", "not_applicable", "failed"]
    reference: str | None = Field(default=None, min_length=1, max_length=64)
    error: str | None = Field(default=None, min_length=1, max_length=500)


def _stores() -> AgencyApiStores:
    return cast(AgencyApiStores, current_stores())


@router.put(
    "/agencies/<agency>/records",
    summary="Create or replace a record (upsert by ID number)",
    tags=["agencies"],
    openapi_extensions={
        **allow(*agencies.WRITERS),
        **beyond_schema(
            {
                "body": "the shape of the path's agency (the fields it holds, see oneOf)",
                **{f: "is not held by the path's agency" for f in ("gender", "birthDate")},
                "ethnicity": "is not held by the path's agency",
                "idNumber": f"{GB11643_RULE}; {CONSISTENT_RULE}",
                "birthDate": BIRTH_RULE,
                "surname": NAME_RULE,
                "givenName": NAME_RULE,
            }
        ),
    },
    responses={
        **documented(200, "The record, replaced", *WITH_BODY, 404, 409),
        **documented(201, "The record, created"),
    },
)
def put_record(
    agency: str,
    body: Annotated[AgencyRecordBody, WithJsonSchema(_per_agency_schema()), BodyParam()],
) -> Response[Any]:
    fields = body.model_dump(by_alias=True, exclude_none=True)
    record, created = agencies.upsert(_stores().records, current_caller(router), agency, fields)
    return json_response(201 if created else 200, record)


@router.post(
    "/agencies/<agency>/records/lookup",
    summary="Find a record by current or former ID number",
    tags=["agencies"],
    openapi_extensions={**allow(*agencies.WRITERS), **beyond_schema({"idNumber": GB11643_RULE})},
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
