"""/agencies/{agency}/records — agency systems keep their records here (and registrars seed)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body as BodyParam
from pydantic import Field

from onetrip.api.app import allow, current_caller, json_response
from onetrip.api.responses import WITH_BODY, documented
from onetrip.api.schemas import Body, IdNumberLookup, IsoDate
from onetrip.dal.agency_records import AgencyRecordStore
from onetrip.logic import agencies
from onetrip.settings import get_settings

router = Router()


class AgencyRecordBody(Body):
    """The ID number, the fields this agency holds, and its own reference."""

    id_number: str = Field(min_length=1, max_length=64)
    reference: str = Field(min_length=1, max_length=64)
    surname: str | None = Field(default=None, max_length=100)
    given_name: str | None = Field(default=None, max_length=100)
    gender: Literal["male", "female"] | None = None
    birth_date: IsoDate | None = None
    ethnicity: str | None = Field(default=None, max_length=20)


def _store() -> AgencyRecordStore:
    return AgencyRecordStore(get_settings().agency_records_table)


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
    record, created = agencies.upsert(_store(), current_caller(router), agency, fields)
    return json_response(201 if created else 200, record)


@router.post(
    "/agencies/<agency>/records/lookup",
    summary="Find a record by current or former ID number",
    tags=["agencies"],
    openapi_extensions=allow(*agencies.WRITERS),
    responses=documented(200, "The agency record", *WITH_BODY, 404),
)
def lookup_record(agency: str, body: Annotated[IdNumberLookup, BodyParam()]) -> dict[str, Any]:
    return agencies.lookup(_store(), current_caller(router), agency, body.id_number)
