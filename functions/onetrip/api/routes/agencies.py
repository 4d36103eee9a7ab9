"""/agencies/{agency}/records — agency systems keep their records here (and registrars seed)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body as BodyParam
from pydantic import Field, WithJsonSchema

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
from onetrip.dal.agency_records import AgencyRecordStore
from onetrip.domain.id_number import IdNumberText
from onetrip.logic import agencies
from onetrip.routing import HELD_FIELDS

router = Router()


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


def _store() -> AgencyRecordStore:
    return cast(AgencyRecordStore, current_stores())


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
    record, created = agencies.upsert(_store(), current_caller(router), agency, fields)
    return json_response(201 if created else 200, record)


@router.post(
    "/agencies/<agency>/records/lookup",
    summary="Find a record by current or former ID number",
    tags=["agencies"],
    openapi_extensions={**allow(*agencies.WRITERS), **beyond_schema({"idNumber": GB11643_RULE})},
    responses=documented(200, "The agency record", *WITH_BODY, 404),
)
def lookup_record(agency: str, body: Annotated[IdNumberLookup, BodyParam()]) -> dict[str, Any]:
    return agencies.lookup(_store(), current_caller(router), agency, body.id_number)
