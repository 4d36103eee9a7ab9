"""Per-step completion bodies: what each step accepts, and 422 field names when not."""

from __future__ import annotations

from typing import Any

import pytest
from onetrip.domain.petition import (
    PetitionStep,
    ReminderKind,
    parse_completion,
    task_id_for,
    workflow_output,
)
from onetrip.errors import InvalidInput

SCORES = {"handling": 90, "implementation": 80, "replyQuality": 85}
VALID: dict[PetitionStep, dict[str, Any]] = {
    PetitionStep.TRIAGE: {"accepted": True, "handlingUnit": "海曙分局", "summary": "受理"},
    PetitionStep.ENFORCEMENT_REVIEW: {"scores": SCORES, "passed": True, "findings": "规范"},
    PetitionStep.LEADER_INSTRUCTION: {"instruction": "限期整改", "handlingUnit": "海曙分局"},
    PetitionStep.RECTIFICATION: {"actions": "已整改", "evidence": ["doc-1"]},
    PetitionStep.TRACKING_REVIEW: {"scores": SCORES, "passed": False, "findings": "未到位"},
    PetitionStep.CONCLUSION: {"reply": "已答复", "resolution": "resolved"},
    PetitionStep.PERFORMANCE_REVIEW: {
        "scores": SCORES,
        "passed": True,
        "findings": "满意",
        "petitionerSatisfaction": 5,
    },
    PetitionStep.ACCOUNTABILITY: {"required": False, "findings": "无需问责"},
}


def _fields(step: PetitionStep, body: Any) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        parse_completion(step, body)
    return [e.field for e in caught.value.errors]


@pytest.mark.parametrize("step", list(PetitionStep))
def test_each_step_accepts_its_body(step: PetitionStep) -> None:
    parsed = parse_completion(step, VALID[step])
    assert parsed.outcome()  # recorded on the petition in camelCase


def test_outputs_for_the_state_machine_are_flags_only() -> None:
    triage = parse_completion(PetitionStep.TRIAGE, VALID[PetitionStep.TRIAGE])
    review = parse_completion(PetitionStep.TRACKING_REVIEW, VALID[PetitionStep.TRACKING_REVIEW])
    unit = parse_completion(PetitionStep.RECTIFICATION, VALID[PetitionStep.RECTIFICATION])
    assert workflow_output(PetitionStep.TRIAGE, triage) == {"accepted": True}
    assert workflow_output(PetitionStep.TRACKING_REVIEW, review) == {"passed": False}
    assert workflow_output(PetitionStep.RECTIFICATION, unit) == {"completed": True}


@pytest.mark.parametrize(
    ("step", "body", "fields"),
    [
        (PetitionStep.TRIAGE, {"accepted": "yes", "summary": "x"}, ["accepted"]),
        (PetitionStep.TRIAGE, {"accepted": True, "summary": "x"}, ["handlingUnit"]),
        (PetitionStep.TRIAGE, {"accepted": False, "summary": "x"}, ["reason"]),
        (
            PetitionStep.ENFORCEMENT_REVIEW,
            {"scores": {**SCORES, "handling": 101}, "passed": True, "findings": "x"},
            ["scores.handling"],
        ),
        (
            PetitionStep.TRACKING_REVIEW,
            {"scores": SCORES, "findings": "x"},
            ["passed"],
        ),
        (
            PetitionStep.PERFORMANCE_REVIEW,
            {"scores": SCORES, "passed": True, "findings": "x", "petitionerSatisfaction": 6},
            ["petitionerSatisfaction"],
        ),
        (
            # a whole performance-review body: named as the other step's body
            PetitionStep.ENFORCEMENT_REVIEW,
            {"scores": SCORES, "passed": True, "findings": "x", "petitionerSatisfaction": 3},
            ["body"],
        ),
        (
            PetitionStep.LEADER_INSTRUCTION,
            {"instruction": "x", "handlingUnit": "u", "dueDays": 0},
            ["dueDays"],
        ),
        (PetitionStep.RECTIFICATION, {"actions": "   "}, ["actions"]),
        (PetitionStep.CONCLUSION, {"reply": "x", "resolution": "maybe"}, ["resolution"]),
        (PetitionStep.ACCOUNTABILITY, {"findings": "x"}, ["required"]),
    ],
)
def test_bad_bodies_name_the_field(
    step: PetitionStep, body: dict[str, Any], fields: list[str]
) -> None:
    assert _fields(step, body) == fields


def test_a_body_that_is_not_an_object_is_refused() -> None:
    assert _fields(PetitionStep.CONCLUSION, ["reply"]) == ["body"]


def test_task_ids_follow_the_natural_key() -> None:
    assert task_id_for("pet_1", PetitionStep.RECTIFICATION, 2) == "pet_1.rectification.2"
    assert ReminderKind("escalated") is ReminderKind.ESCALATED
