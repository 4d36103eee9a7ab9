"""/identity-changes — one window, one form (clerk), one decision (approver)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body as BodyParam
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import Field

from onetrip.api.app import (
    allow,
    beyond_schema,
    created,
    current_caller,
    current_stores,
    json_response,
)
from onetrip.api.auth import Role
from onetrip.api.responses import LIST, READ, WITH_BODY, documented
from onetrip.api.schemas import (
    BIRTH_RULE,
    CONSISTENT_RULE,
    GB11643_RULE,
    NAME_RULE,
    Body,
    Ethnicity,
    GivenName,
    IsoDate,
    NonBlank,
    Surname,
)
from onetrip.domain.id_number import IdNumberText
from onetrip.logic import identity_changes as logic

router = Router()


class Changes(Body):
    surname: Surname | None = None
    given_name: GivenName | None = None
    gender: Literal["male", "female"] | None = None
    birth_date: IsoDate | None = None
    ethnicity: Ethnicity | None = None
    id_number: IdNumberText | None = None


class Window(Body):
    district: NonBlank = Field(min_length=1, max_length=50)
    counter: str | None = Field(default=None, max_length=20)


class ChangeForm(Body):
    id_number: IdNumberText
    kind: Literal["change", "correction"]
    changes: Changes
    reason: NonBlank = Field(min_length=1, max_length=500)
    window: Window


class Decision(Body):
    decision: Literal["approve", "reject"]
    comment: str = Field(default="", max_length=1000)


def _stores() -> logic.IdentityStores:
    return cast(logic.IdentityStores, current_stores())


@router.post(
    "/identity-changes",
    summary="Submit an identity change (clerk)",
    tags=["identity-changes"],
    openapi_extensions={
        **allow(Role.CLERK),
        **beyond_schema(
            {
                "idNumber": f"{GB11643_RULE}; registered, as the person's current number",
                "changes": "at least one field with a value",
                **{
                    f"changes.{name}": "differs from the person's current value"
                    for name in ("gender", "ethnicity")
                },
                "changes.surname": f"differs from the current value; {NAME_RULE}",
                "changes.givenName": f"differs from the current value; {NAME_RULE}",
                "changes.birthDate": f"differs from the current value; {BIRTH_RULE}",
                "changes.idNumber": f"{GB11643_RULE}; unused; {CONSISTENT_RULE}",
            }
        ),
    },
    responses=documented(201, "The application, submitted", *WITH_BODY, 409),
)
def submit_change(body: Annotated[ChangeForm, BodyParam()]) -> Response[Any]:
    request = logic.ChangeRequest(
        id_number=body.id_number,
        kind=body.kind,
        changes=body.changes.model_dump(by_alias=True, exclude_none=True),
        reason=body.reason,
        window=body.window.model_dump(by_alias=True, exclude_none=True),
    )
    return created(logic.submit(_stores(), current_caller(router), request).as_api())


@router.post(
    "/identity-changes/<applicationId>/decision",
    summary="Approve or reject (approver)",
    tags=["identity-changes"],
    openapi_extensions=allow(Role.APPROVER),
    responses=documented(200, "The application, decided", *WITH_BODY, 404, 409),
)
def decide_change(
    applicationId: str,  # noqa: N803 - path name from API.md
    body: Annotated[Decision, BodyParam()],
) -> dict[str, Any]:
    application = logic.decide(
        _stores(),
        current_caller(router),
        applicationId,
        approve=body.decision == "approve",
        comment=body.comment,
    )
    return application.as_api()


@router.get(
    "/identity-changes/<applicationId>",
    summary="An application and its linked updates",
    tags=["identity-changes"],
    openapi_extensions=allow(*logic.READERS),
    responses=documented(200, "The application", *READ, 404),
)
def get_change(applicationId: str) -> dict[str, Any]:  # noqa: N803
    return logic.get(_stores(), current_caller(router), applicationId).as_api()


@router.get(
    "/identity-changes",
    summary="A person's applications, newest first",
    tags=["identity-changes"],
    openapi_extensions=allow(*logic.READERS),
    responses=documented(200, "A list of applications", *READ, body=LIST),
)
def list_changes(personId: Annotated[str, Query(min_length=1)]) -> Response[Any]:  # noqa: N803
    found = logic.for_person(_stores(), current_caller(router), personId)
    return json_response(200, [a.as_api() for a in found])


@router.post(
    "/identity-changes/<applicationId>/linked-updates/<agency>/retry",
    summary="Retry a failed linked update (ops)",
    tags=["identity-changes"],
    openapi_extensions=allow(Role.OPS),
    responses=documented(202, "The application; the retry is on its way", *READ, 404, 409),
)
def retry_linked_update(applicationId: str, agency: str) -> Response[Any]:  # noqa: N803
    application = logic.retry(_stores(), current_caller(router), applicationId, agency)
    return json_response(202, application.as_api())
