"""Petition handling, 一案三评八步法: one case, three evaluations, eight steps.

The vocabulary of the workflow (steps, who completes them, statuses) and the bodies a
step's completion accepts. Pure: no AWS, no clock.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
    field_validator,
)

from onetrip.domain.id_number import IdNumberText
from onetrip.errors import FieldError, InvalidInput

# API.md: a failed tracking review sends the case back to rectification at most twice.
MAX_REWORK_ROUNDS = 2


class PetitionStep(StrEnum):
    """The eight steps, in workflow order (八步法)."""

    TRIAGE = "triage"  # 初信初访分流处理
    ENFORCEMENT_REVIEW = "enforcement_review"  # 执法评查 (evaluation 1)
    LEADER_INSTRUCTION = "leader_instruction"  # 分管领导批示交办
    RECTIFICATION = "rectification"  # 承办单位整改落实
    TRACKING_REVIEW = "tracking_review"  # 追踪评查 (evaluation 2)
    CONCLUSION = "conclusion"  # 承办单位办结
    PERFORMANCE_REVIEW = "performance_review"  # 绩效评查 (evaluation 3)
    ACCOUNTABILITY = "accountability"  # 领导小组倒查问责

    @property
    def role(self) -> str:
        """The role (API.md "Roles") whose members complete this step."""
        return _STEP_ROLE[self]

    @property
    def is_unit_step(self) -> bool:
        """Completed by the handling unit (承办单位) the case was assigned to."""
        return self.role == HANDLING_UNIT

    @property
    def evaluation(self) -> EvaluationKind | None:
        return _STEP_EVALUATION.get(self)


PETITION_OFFICE = "petition_office"  # 信访部门
LEADER = "leader"  # 分管领导
HANDLING_UNIT = "handling_unit"  # 承办单位
LEADING_GROUP = "leading_group"  # 领导小组

_STEP_ROLE = {
    PetitionStep.TRIAGE: PETITION_OFFICE,
    PetitionStep.ENFORCEMENT_REVIEW: PETITION_OFFICE,
    PetitionStep.LEADER_INSTRUCTION: LEADER,
    PetitionStep.RECTIFICATION: HANDLING_UNIT,
    PetitionStep.TRACKING_REVIEW: PETITION_OFFICE,
    PetitionStep.CONCLUSION: HANDLING_UNIT,
    PetitionStep.PERFORMANCE_REVIEW: PETITION_OFFICE,
    PetitionStep.ACCOUNTABILITY: LEADING_GROUP,
}


class EvaluationKind(StrEnum):
    """The three evaluations (三评)."""

    ENFORCEMENT = "enforcement"  # 执法评查
    TRACKING = "tracking"  # 追踪评查
    PERFORMANCE = "performance"  # 绩效评查


_STEP_EVALUATION = {
    PetitionStep.ENFORCEMENT_REVIEW: EvaluationKind.ENFORCEMENT,
    PetitionStep.TRACKING_REVIEW: EvaluationKind.TRACKING,
    PetitionStep.PERFORMANCE_REVIEW: EvaluationKind.PERFORMANCE,
}


class PetitionStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"
    NOT_ACCEPTED = "not_accepted"  # 不予受理


class Category(StrEnum):
    LAW_ENFORCEMENT = "law_enforcement"  # 执法问题
    PUBLIC_ORDER = "public_order"  # 治安
    TRAFFIC = "traffic"  # 交通
    HOUSEHOLD = "household"  # 户政
    OTHER = "other"


class Channel(StrEnum):
    VISIT = "visit"  # 走访
    LETTER = "letter"  # 来信
    ONLINE = "online"  # 网上信访
    PHONE = "phone"  # 电话


class Resolution(StrEnum):
    RESOLVED = "resolved"
    PARTIALLY_RESOLVED = "partially_resolved"
    UNRESOLVED = "unresolved"


class TaskStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"


class ReminderKind(StrEnum):
    """Follow-up reminders on an open task (催办) and the escalation (督办)."""

    HALF = "half"
    EIGHTY = "eighty"
    DUE = "due"
    OVERDUE = "overdue"
    ESCALATED = "escalated"


# What str.strip removes, for patterns (a pattern's \s is ECMA-262's, without \x1c-\x1f).
STRIPPED = "".join(f"\\u{ord(c):04x}" for c in map(chr, range(0x3001)) if c.isspace())
# Stripped, then at least one character: published as "has a character strip keeps".
NOT_BLANK: dict[str, Any] = {"pattern": f"[^{STRIPPED}]"}


def _stripped(value: str) -> str:
    # Lengths count as sent (as the published maxLength does); the value kept is trimmed
    # by str.strip, as the logic trims (pydantic's strip_whitespace is Rust's, which keeps
    # \x1c-\x1f: the fuzz found "\x1d" taken as a subject).
    stripped = value.strip()
    if not stripped:
        raise ValueError("must not be blank")
    return stripped


STRIP = AfterValidator(_stripped)
Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=5000),
    STRIP,
    Field(json_schema_extra=NOT_BLANK),
]
ShortText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    STRIP,
    Field(json_schema_extra=NOT_BLANK),
]


def _whole_float_as_int(value: Any) -> Any:
    # JSON Schema's "integer" is any number with no fraction (9.0 is 9); strings and
    # booleans stay refused.
    return int(value) if isinstance(value, float) and value.is_integer() else value


# Makes an integer field take what JSON Schema (and so the published contract) calls one.
WHOLE = BeforeValidator(_whole_float_as_int)
Score = Annotated[StrictInt, Field(ge=0, le=100), WHOLE]


class _Body(BaseModel):
    # Unknown keys are refused: a misspelt "passed" must not silently mean "not given".
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    def outcome(self) -> dict[str, Any]:
        """The outcome as recorded on the petition (camelCase, no empty values)."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class TriageCompletion(_Body):
    """初信初访分流处理: accept (and assign a handling unit) or refuse with a reason."""

    # rule_errors, as JSON Schema says it: accepted needs handlingUnit, refused a reason.
    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {
                    "properties": {"accepted": {"const": True}, "handlingUnit": {"type": "string"}},
                    "required": ["handlingUnit"],
                },
                {
                    "properties": {"accepted": {"const": False}, "reason": {"type": "string"}},
                    "required": ["reason"],
                },
            ]
        }
    )

    accepted: StrictBool
    handling_unit: ShortText | None = Field(default=None, alias="handlingUnit")
    summary: Text
    reason: Text | None = None

    def rule_errors(self) -> list[FieldError]:
        if self.accepted and not self.handling_unit:
            return [FieldError("handlingUnit", "An accepted petition needs a handling unit.")]
        if not self.accepted and not self.reason:
            return [FieldError("reason", "Give the reason the petition is not accepted.")]
        return []


class Scores(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    handling: Score
    implementation: Score
    reply_quality: Score = Field(alias="replyQuality")


class ReviewCompletion(_Body):
    """One of the three evaluations (三评): scores 0-100, passed, findings."""

    scores: Scores
    passed: StrictBool
    findings: Text


class PerformanceReviewCompletion(ReviewCompletion):
    """绩效评查 also records the petitioner's satisfaction (1 very unhappy - 5 very happy)."""

    petitioner_satisfaction: Annotated[StrictInt, Field(ge=1, le=5), WHOLE] | None = Field(
        default=None, alias="petitionerSatisfaction"
    )


class LeaderInstructionCompletion(_Body):
    """分管领导批示交办: the instruction, the unit, optionally the days allowed to rectify."""

    instruction: Text
    handling_unit: ShortText = Field(alias="handlingUnit")
    due_days: Annotated[StrictInt, Field(ge=1, le=60), WHOLE] | None = Field(
        default=None, alias="dueDays"
    )


class RectificationCompletion(_Body):
    """承办单位整改落实: what was done, with optional evidence references."""

    actions: Text
    evidence: list[Text] | None = Field(default=None, max_length=50)


class ConclusionCompletion(_Body):
    """承办单位办结: the reply to the petitioner and how far the matter is resolved."""

    reply: Text
    resolution: Resolution


class AccountabilityCompletion(_Body):
    """领导小组倒查问责: whether anyone is held accountable, and the measures."""

    required: StrictBool
    findings: Text
    actions: list[Text] | None = Field(default=None, max_length=50)


CompletionBody = (
    TriageCompletion
    | ReviewCompletion
    | LeaderInstructionCompletion
    | RectificationCompletion
    | ConclusionCompletion
    | AccountabilityCompletion
)

COMPLETION_MODELS: dict[PetitionStep, type[_Body]] = {
    PetitionStep.TRIAGE: TriageCompletion,
    PetitionStep.ENFORCEMENT_REVIEW: ReviewCompletion,
    PetitionStep.LEADER_INSTRUCTION: LeaderInstructionCompletion,
    PetitionStep.RECTIFICATION: RectificationCompletion,
    PetitionStep.TRACKING_REVIEW: ReviewCompletion,
    PetitionStep.CONCLUSION: ConclusionCompletion,
    PetitionStep.PERFORMANCE_REVIEW: PerformanceReviewCompletion,
    PetitionStep.ACCOUNTABILITY: AccountabilityCompletion,
}


def completion_json_schema() -> dict[str, Any]:
    """The body of a completion as JSON Schema: any one of the steps' bodies (which one
    the task's step decides; a body of another step gets a 422). anyOf, not oneOf: a
    review body is also a performance review body."""
    bodies = [_inlined(m.model_json_schema()) for m in dict.fromkeys(COMPLETION_MODELS.values())]
    return {"anyOf": bodies, "description": "The body of the task's step (API.md, Tasks)."}


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its local $defs put in place (the document has no such names)."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    inlined: dict[str, Any] = walk(schema)
    return inlined


def parse_completion(step: PetitionStep, body: Any) -> _Body:
    """The completion body for `step`, or InvalidInput naming every bad field."""
    model = COMPLETION_MODELS[step]
    if not isinstance(body, dict):
        raise InvalidInput(
            detail="The completion body must be a JSON object.",
            errors=[FieldError("body", "must be a JSON object")],
        )
    try:
        parsed = model.model_validate(body)
    except ValidationError as error:
        other = _step_whose_body_this_is(body)
        if other is not None:
            # A valid body of another step (the published schema is any step's body)
            message = f"is a {other.value} completion; this task is the {step.value} step"
            raise InvalidInput(
                detail=f"The body {message}.", errors=[FieldError("body", message)]
            ) from None
        raise InvalidInput(
            detail=f"The {step.value} completion is invalid.",
            errors=[_field_error(e) for e in error.errors()],
        ) from None
    rule = getattr(parsed, "rule_errors", None)
    errors: list[FieldError] = rule() if rule else []
    if errors:
        raise InvalidInput(
            detail="; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors
        )
    return parsed


def _step_whose_body_this_is(body: dict[str, Any]) -> PetitionStep | None:
    for step, model in COMPLETION_MODELS.items():
        try:
            model.model_validate(body)
        except ValidationError:
            continue
        return step
    return None


def _field_error(error: Any) -> FieldError:
    field = ".".join(str(part) for part in error.get("loc", ())) or "body"
    message = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
    if error.get("type") == "extra_forbidden":
        message = "is not a field of this step's completion"
    return FieldError(field, message)


def workflow_output(step: PetitionStep, body: _Body) -> dict[str, bool]:
    """The small output the state machine branches on (ids and flags only, no text)."""
    if isinstance(body, TriageCompletion):
        return {"accepted": body.accepted}
    if isinstance(body, ReviewCompletion):
        return {"passed": body.passed}
    return {"completed": True}


def task_id_for(petition_id: str, step: PetitionStep, attempt: int) -> str:
    """The task's id from its natural key (petition, step, rework round): a redelivered
    open-task message maps to the same task."""
    return f"{petition_id}.{step.value}.{attempt}"


# Exactly the published pattern (no stripping: a pattern cannot say what it would strip).
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 -]{4,19}$")]


def mask_phone(phone: str) -> str:
    """Keep the first 3 and last 4 digits, as Chinese services show a mobile number
    (`139****9000`); every other digit becomes `*` (spaces and dashes stay)."""
    digits = [i for i, ch in enumerate(phone) if ch.isdigit()]
    hidden = set(digits[3:-4]) if len(digits) > 7 else set(digits)
    return "".join("*" if i in hidden else ch for i, ch in enumerate(phone))


class Petitioner(BaseModel):
    """信访人. The ID number is checked against GB 11643 by the logic (with the field name)."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    name: Annotated[
        str,
        StringConstraints(min_length=1, max_length=50),
        STRIP,
        Field(json_schema_extra=NOT_BLANK),
    ]
    id_number: IdNumberText = Field(alias="idNumber")
    phone: Phone


# An instant as API.md writes them: ISO 8601 with a time zone (…Z or ±hh:mm), never a
# Unix timestamp (pydantic would otherwise read 12345 as 1970-01-01T03:25:45Z).
_ISO_INSTANT = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|[+-]\d{2}:?\d{2})$"
)
# The earliest receipt time a desk can back-register. Keys sort as ISO strings, which
# needs four-digit years; anything earlier than this is a typing error.
EARLIEST_RECEIPT = datetime(2000, 1, 1, tzinfo=UTC)


class NewPetition(BaseModel):
    """POST /petitions: a petition as registered at the desk or filed online (登记)."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    petitioner: Petitioner
    category: Category
    subject: ShortText
    content: Text
    channel: Channel
    district: ShortText | None = None
    received_at: datetime | None = Field(
        default=None,
        alias="receivedAt",
        description=(
            "When the petition was received (ISO 8601 with a time zone, e.g. "
            "2026-03-01T09:00:00Z); not in the future, not before 2000-01-01. "
            "Petition office only; defaults to now."
        ),
    )

    @field_validator("petitioner", mode="before")
    @classmethod
    def _petitioner_is_an_object(cls, value: Any) -> Any:
        # A 422 naming "petitioner" (a JSON null or string here is well-formed, not 400).
        if not isinstance(value, dict | Petitioner):
            raise ValueError("Give the petitioner as an object with name, idNumber and phone.")
        return value

    @field_validator("received_at", mode="before")
    @classmethod
    def _received_at_is_an_instant(cls, value: Any) -> Any:
        if value is None or isinstance(value, datetime):
            return value
        if not isinstance(value, str) or not _ISO_INSTANT.match(value):
            raise ValueError(
                "Give an ISO 8601 instant with a time zone, e.g. 2026-03-01T09:00:00Z."
            )
        return value


class ExtensionRequest(BaseModel):
    """POST /petitions/{id}/extension: the leader-approved extension (延期办理)."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    days: Annotated[StrictInt, Field(ge=1, le=30), WHOLE]
    reason: Text


class PetitionSearch(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    petitioner_id_number: IdNumberText = Field(alias="petitionerIdNumber")


@dataclass
class PetitionChanges:
    """What one step's completion changes on the petition item."""

    task_id: str
    step_fields: dict[str, Any]
    sets: dict[str, Any] = dc_field(default_factory=dict)
    evaluation: dict[str, Any] | None = None
    add_rework: bool = False


@dataclass(frozen=True)
class DueMove:
    """An open task's dueAt moved by an extension; `old_due_at` guards the write."""

    task_id: str
    old_due_at: str
    due_at: str
    remind_at: str


def new_petition_id() -> str:
    """Opaque and unguessable: a citizen probing ids learns nothing (404 either way)."""
    return f"pet_{uuid.uuid4().hex}"
