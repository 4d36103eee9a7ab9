"""/petitions — 一案三评八步法: register, read, list, search by ID number, extend."""

from __future__ import annotations

import json
from typing import Annotated, Any, cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from onetrip.api.app import allow, beyond_schema, current_caller, current_stores
from onetrip.api.auth import Role
from onetrip.api.responses import LIST, READ, WITH_BODY, documented
from onetrip.api.schemas import GB11643_RULE
from onetrip.clock import now
from onetrip.dal.id_hash import id_hash
from onetrip.domain.petition import (
    ExtensionRequest,
    NewPetition,
    PetitionSearch,
    PetitionStatus,
    PetitionStep,
)
from onetrip.logic import petitions
from onetrip.logic.petition_ports import PetitionStores

router = Router()

_MASKING = (
    "In every petition returned, `petitioner.idNumber` is masked (`330203********123X`) "
    "for all but petition_office, and `petitioner.phone` (`139****9000`) for all but "
    "petition_office, handling_unit and the petitioner: the roles that call the petitioner."
)


def _stores() -> PetitionStores:
    return cast(PetitionStores, current_stores())


@router.post(
    "/petitions",
    summary="Register a petition (petition_office; a citizen online for themselves)",
    description=_MASKING,
    tags=["petitions"],
    openapi_extensions={
        **allow(*petitions.FILERS),
        **beyond_schema(
            {
                "petitioner.idNumber": GB11643_RULE,
                "receivedAt": "not in the future, not before 2000-01-01; petition office "
                "only (a citizen's online petition is received on arrival)",
                "channel": "online when a citizen files",
            }
        ),
    },
    responses=documented(201, "The petition, registered; its workflow has started", *WITH_BODY),
)
def register_petition(body: Annotated[NewPetition, Body()]) -> Any:
    petition = petitions.register(
        _stores().petitions, _stores().workflow, id_hash, current_caller(router), body, now()
    )
    return Response(
        status_code=201,
        content_type="application/json",
        body=json.dumps(petition, ensure_ascii=False),
    )


@router.get(
    "/petitions",
    summary="List petitions by status and current step",
    description=_MASKING,
    tags=["petitions"],
    openapi_extensions=allow(*petitions.READERS),
    responses=documented(200, "A list of petitions", *READ, body=LIST),
)
def list_petitions(
    status: Annotated[PetitionStatus | None, Query()] = None,
    step: Annotated[PetitionStep | None, Query()] = None,
) -> list[dict[str, Any]]:
    return petitions.list_petitions(
        _stores().petitions, id_hash, current_caller(router), status=status, step=step
    )


@router.post(
    "/petitions/search",
    summary="All petitions of one petitioner, by ID number in the body (petition_office)",
    description=_MASKING,
    tags=["petitions"],
    openapi_extensions={
        **allow(Role.PETITION_OFFICE),
        **beyond_schema({"petitionerIdNumber": GB11643_RULE}),
    },
    responses=documented(200, "A list of petitions", *WITH_BODY, body=LIST),
)
def search_petitions(body: Annotated[PetitionSearch, Body()]) -> list[dict[str, Any]]:
    return petitions.search(
        _stores().petitions, id_hash, current_caller(router), body.petitioner_id_number
    )


@router.get(
    "/petitions/<petitionId>",
    summary="Get a petition",
    description=_MASKING,
    tags=["petitions"],
    openapi_extensions=allow(*petitions.READERS),
    responses=documented(200, "The petition", *READ, 404),
)
def get_petition(petitionId: str) -> dict[str, Any]:  # noqa: N803 - path name from API.md
    return petitions.get(_stores().petitions, current_caller(router), petitionId)


@router.post(
    "/petitions/<petitionId>/extension",
    summary="Extend the conclusion deadline once, by 1-30 days (leader)",
    description=_MASKING,
    tags=["petitions"],
    openapi_extensions=allow(Role.LEADER),
    responses=documented(200, "The petition, extended", *WITH_BODY, 404, 409),
)
def extend_petition(
    petitionId: str,  # noqa: N803 - path name from API.md
    body: Annotated[ExtensionRequest, Body()],
) -> dict[str, Any]:
    return petitions.extend(
        _stores().petitions, _stores().tasks, current_caller(router), petitionId, body, now()
    )
