"""/persons — the household registry (registrar writes; staff and the citizen read)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body as BodyParam
from pydantic import Field

from onetrip.api.app import allow, created, current_caller
from onetrip.api.auth import Role
from onetrip.api.responses import READ, WITH_BODY, documented
from onetrip.api.schemas import Body, IdNumberLookup, IsoDate
from onetrip.dal.registry import RegistryStore
from onetrip.logic import persons
from onetrip.settings import get_settings

router = Router()


class NewPerson(Body):
    id_number: str = Field(min_length=1, max_length=64)
    surname: str = Field(max_length=100)
    given_name: str = Field(max_length=100)
    gender: Literal["male", "female"]
    birth_date: IsoDate
    ethnicity: str = Field(max_length=20)
    district: str | None = Field(default=None, max_length=50)


def _registry() -> RegistryStore:
    return RegistryStore(get_settings().registry_table)


@router.post(
    "/persons",
    summary="Register a person (registrar)",
    tags=["persons"],
    openapi_extensions=allow(Role.REGISTRAR),
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
    openapi_extensions=allow(*persons.READERS),
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
