"""/persons — the household registry (registrar writes; staff and the citizen read)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body as BodyParam
from pydantic import Field

from onetrip.api.app import allow, beyond_schema, created, current_caller, current_stores
from onetrip.api.auth import Role
from onetrip.api.responses import READ, WITH_BODY, documented
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
    Surname,
)
from onetrip.dal.registry import RegistryStore
from onetrip.domain.id_number import IdNumberText
from onetrip.logic import persons

router = Router()


class NewPerson(Body):
    id_number: IdNumberText
    surname: Surname
    given_name: GivenName
    gender: Literal["male", "female"]
    birth_date: IsoDate
    ethnicity: Ethnicity
    district: str | None = Field(default=None, max_length=50)


def _registry() -> RegistryStore:
    return cast(RegistryStore, current_stores())


@router.post(
    "/persons",
    summary="Register a person (registrar)",
    tags=["persons"],
    openapi_extensions={
        **allow(Role.REGISTRAR),
        **beyond_schema(
            {
                "idNumber": f"{GB11643_RULE}; {CONSISTENT_RULE}",
                "birthDate": BIRTH_RULE,
                "surname": NAME_RULE,
                "givenName": NAME_RULE,
            }
        ),
    },
    responses=documented(201, "The registered person", *WITH_BODY, 409),
)
def register_person(body: Annotated[NewPerson, BodyParam()]) -> Response[Any]:
    person = persons.register(
        _registry(),
        current_caller(router),
        id_no=body.id_number,
        surname=body.surname,
        given_name=body.given_name,
        gender=body.gender,
        birth_date=body.birth_date,
        ethnicity=body.ethnicity,
        district=body.district,
    )
    return created(person.as_api())


@router.post(
    "/persons/lookup",
    summary="Find a person by current or former ID number",
    tags=["persons"],
    openapi_extensions={**allow(*persons.READERS), **beyond_schema({"idNumber": GB11643_RULE})},
    responses=documented(200, "The person, with the current ID number", *WITH_BODY, 404),
)
def lookup_person(body: Annotated[IdNumberLookup, BodyParam()]) -> dict[str, Any]:
    return persons.lookup(_registry(), current_caller(router), body.id_number).as_api()


@router.get(
    "/persons/<personId>",
    summary="Get a person",
    tags=["persons"],
    openapi_extensions=allow(*persons.READERS),
    responses=documented(200, "The person", *READ, 404),
)
def get_person(personId: str) -> dict[str, Any]:  # noqa: N803 - path name from API.md
    return persons.get(_registry(), current_caller(router), personId).as_api()
