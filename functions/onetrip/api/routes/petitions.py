"""/petitions — 一案三评八步法: register, read, list, search by ID number, extend."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from onetrip.api.app import allow, current_caller
from onetrip.api.auth import Role
from onetrip.api.responses import READ, WITH_BODY, documented
from onetrip.dal.id_hash import id_hash
from onetrip.dal.outbox import Outbox
from onetrip.dal.petition_workflow import Workflow
from onetrip.dal.petitions import PetitionStore
from onetrip.dal.tasks import TaskStore
from onetrip.domain.petition import (
    ExtensionRequest,
    NewPetition,
    PetitionSearch,
    PetitionStatus,
    PetitionStep,
    utc_now,
)
from onetrip.logic import petitions
from onetrip.settings import get_settings

router = Router()

_MASKING = (
    "In every petition returned, `petitioner.idNumber` is masked (`330203********123X`) "
    "for all but petition_office, and `petitioner.phone` (`139****9000`) for all but "
    "petition_office, handling_unit and the petitioner: the roles that call the petitioner."
)


@lru_cache(maxsize=1)
def _store() -> PetitionStore:
    settings = get_settings()
    outbox = Outbox(settings.outbox_table, settings.event_bus_name)
    return PetitionStore(settings.petitions_table, tasks_table=settings.tasks_table, outbox=outbox)


@lru_cache(maxsize=1)
def _tasks() -> TaskStore:
    """Read-only here (a task's dueAt moves in the extension's own transaction)."""
    settings = get_settings()
    return TaskStore(settings.tasks_table, settings.petitions_table)


@lru_cache(maxsize=1)
def _workflow() -> Workflow:
    return Workflow(get_settings().state_machine_arn)


@router.post(
    "/petitions",
    summary="Register a petition (petition_office; a citizen online for themselves)",
    description=_MASKING,
    tags=["petitions"],
    openapi_extensions=allow(*petitions.FILERS),
    responses=documented(201, "The petition, registered; its workflow has started", *WITH_BODY),
)
def register_petition(body: Annotated[NewPetition, Body()]) -> Any:
    petition = petitions.register(
        _store(), _workflow(), id_hash, current_caller(router), body, utc_now()
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
    responses=documented(200, "A list of petitions", *READ),
)
def list_petitions(
    status: Annotated[PetitionStatus | None, Query()] = None,
    step: Annotated[PetitionStep | None, Query()] = None,
) -> list[dict[str, Any]]:
    return petitions.list_petitions(
        _store(), id_hash, current_caller(router), status=status, step=step
    )


@router.post(
    "/petitions/search",
    summary="All petitions of one petitioner, by ID number in the body (petition_office)",
    description=_MASKING,
    tags=["petitions"],
    openapi_extensions=allow(Role.PETITION_OFFICE),
    responses=documented(200, "A list of petitions", *WITH_BODY),
)
def search_petitions(body: Annotated[PetitionSearch, Body()]) -> list[dict[str, Any]]:
    return petitions.search(_store(), id_hash, current_caller(router), body.petitioner_id_number)


@router.get(
    "/petitions/<petitionId>",
    summary="Get a petition",
    description=_MASKING,
    tags=["petitions"],
    openapi_extensions=allow(*petitions.READERS),
    responses=documented(200, "The petition", *READ, 404),
)
def get_petition(petitionId: str) -> dict[str, Any]:  # noqa: N803 - path name from API.md
    return petitions.get(_store(), current_caller(router), petitionId)


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
    return petitions.extend(_store(), _tasks(), current_caller(router), petitionId, body, utc_now())
