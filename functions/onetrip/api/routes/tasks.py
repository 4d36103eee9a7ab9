"""/tasks — the human tasks of the petition workflow: worklist and completion."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from onetrip.api.app import allow, current_caller
from onetrip.api.responses import READ, WITH_BODY, documented
from onetrip.dal.outbox import Outbox
from onetrip.dal.petition_workflow import Workflow
from onetrip.dal.tasks import TaskStore
from onetrip.domain.petition import utc_now
from onetrip.logic import tasks
from onetrip.settings import get_settings

router = Router()


@lru_cache(maxsize=1)
def _tasks() -> TaskStore:
    settings = get_settings()
    outbox = Outbox(settings.outbox_table, settings.event_bus_name)
    return TaskStore(settings.tasks_table, settings.petitions_table, outbox)


@lru_cache(maxsize=1)
def _workflow() -> Workflow:
    return Workflow(get_settings().state_machine_arn)


@router.get(
    "/tasks",
    summary="The caller's worklist (by role; by unit for handling units)",
    tags=["tasks"],
    openapi_extensions=allow(*tasks.WORKERS),
    responses=documented(200, "A list of tasks", *READ),
)
def worklist(status: Annotated[Literal["open"], Query()] = "open") -> list[dict[str, Any]]:
    return tasks.worklist(_tasks(), current_caller(router), utc_now())


@router.post(
    "/tasks/<taskId>/completion",
    summary="Complete a task with the step's body; the workflow moves on",
    tags=["tasks"],
    openapi_extensions=allow(*tasks.WORKERS),
    responses=documented(200, "The task, completed", *WITH_BODY, 404, 409),
)
def complete_task(
    taskId: str,  # noqa: N803 - path name from API.md
    body: Annotated[dict[str, Any], Body()],
) -> dict[str, Any]:
    # The body's shape depends on the task's step: validated by the logic (422 by field).
    return tasks.complete_task(
        _tasks(), _workflow(), current_caller(router), taskId, body, utc_now()
    )
