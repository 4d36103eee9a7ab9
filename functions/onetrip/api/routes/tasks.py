"""/tasks — the human tasks of the petition workflow: worklist and completion."""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from pydantic import WithJsonSchema

from onetrip.api.app import allow, beyond_schema, current_caller, current_stores
from onetrip.api.responses import LIST, READ, WITH_BODY, documented
from onetrip.clock import now
from onetrip.domain.petition import completion_json_schema
from onetrip.logic import tasks
from onetrip.logic.petition_ports import PetitionStores

router = Router()


def _stores() -> PetitionStores:
    return cast(PetitionStores, current_stores())


@router.get(
    "/tasks",
    summary="The caller's worklist (by role; by unit for handling units)",
    tags=["tasks"],
    openapi_extensions=allow(*tasks.WORKERS),
    responses=documented(200, "A list of tasks", *READ, body=LIST),
)
def worklist(status: Annotated[Literal["open"], Query()] = "open") -> list[dict[str, Any]]:
    return tasks.worklist(_stores().tasks, current_caller(router), now())


@router.post(
    "/tasks/<taskId>/completion",
    summary="Complete a task with the step's body; the workflow moves on",
    tags=["tasks"],
    openapi_extensions={
        **allow(*tasks.WORKERS),
        **beyond_schema({"body": "the body of the task's step (`<petitionId>.<step>.<attempt>`)"}),
    },
    responses=documented(200, "The task, completed", *WITH_BODY, 404, 409),
)
def complete_task(
    taskId: str,  # noqa: N803 - path name from API.md
    body: Annotated[dict[str, Any], WithJsonSchema(completion_json_schema()), Body()],
) -> dict[str, Any]:
    # The body's shape depends on the task's step: validated by the logic (422 by field).
    return tasks.complete_task(
        _stores().tasks, _stores().workflow, current_caller(router), taskId, body, now()
    )
