"""一案三评八步法 end to end on moto: the synthesized state machine runs for real; each
step's task message goes through the task queue to TaskOpener; completions go through
the HTTP API handlers and resume the workflow with SendTaskSuccess.

`PetitionDesk` and the desks' claims live in tests/support/petitions.py.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from onetrip_ops import inbox

from tests.builders import instant
from tests.support.ops import target_of
from tests.support.petitions import (
    HANDLING_UNIT,
    LEADER,
    OTHER_HANDLING_UNIT,
    PETITION_OFFICE,
    SCORES,
    STEP_STATES,
    UNIT,
    PetitionDesk,
)


@pytest.fixture
def desk(cloud: Any) -> PetitionDesk:
    return PetitionDesk(cloud)


def test_a_petition_goes_through_all_eight_steps_and_closes(desk: PetitionDesk) -> None:
    # Given a petition registered at the desk
    petition = desk.register()
    pid = petition["petitionId"]
    assert petition["status"] == "in_progress" and petition["currentStep"] == "triage"

    # When every step is completed by its role
    task = desk.straight_through(pid)

    # Then the workflow ran the eight steps in order and succeeded
    assert task["status"] == "completed" and task["step"] == "accountability"
    assert desk.wait_for_end(pid) == "SUCCEEDED"
    entered = desk.entered_states(pid)
    assert [s for s in entered if s in STEP_STATES] == STEP_STATES
    assert entered[-1] == "Closed"

    # And the petition is closed with its three evaluations and eight completed steps
    closed = desk.petition(pid)
    assert closed["status"] == "closed" and closed["closedAt"]
    assert [e["kind"] for e in closed["evaluations"]] == ["enforcement", "tracking", "performance"]
    assert all(e["passed"] and e["scores"] == SCORES for e in closed["evaluations"])
    assert closed["satisfaction"] == 5 and closed["resolution"] == "resolved"
    assert [s["step"] for s in closed["steps"]] == [
        "triage",
        "enforcement_review",
        "leader_instruction",
        "rectification",
        "tracking_review",
        "conclusion",
        "performance_review",
        "accountability",
    ]
    assert all(s["status"] == "completed" and s["completedBy"] for s in closed["steps"])
    assert closed["handlingUnit"] == UNIT and closed["reworkLimitReached"] is False

    # And the petitioner was told three times: accepted, the reply, the end (no ID number)
    assert _told(desk, pid) == ["accepted", "replied", "closed"]


def test_failed_tracking_reviews_rework_twice_then_go_on_marked(desk: PetitionDesk) -> None:
    # Given a case at its first tracking review
    pid = desk.register()["petitionId"]
    desk.triage(pid)
    desk.review(pid, "enforcement_review")
    desk.instruct(pid)
    desk.rectify(pid)

    # When the tracking review fails, twice it goes back to rectification
    desk.review(pid, "tracking_review", passed=False)
    desk.rectify(pid, attempt=1)
    desk.review(pid, "tracking_review", passed=False, attempt=1)
    desk.rectify(pid, attempt=2)
    assert desk.petition(pid)["reworkRounds"] == 2

    # And the third failure goes on to the conclusion, marked
    desk.review(pid, "tracking_review", passed=False, attempt=2)
    conclusion = desk.wait_for_task(pid, "conclusion")
    assert conclusion["attempt"] == 0
    marked = desk.petition(pid)
    assert marked["reworkLimitReached"] is True and marked["reworkRounds"] == 2
    tracking = [e for e in marked["evaluations"] if e["kind"] == "tracking"]
    assert [e["passed"] for e in tracking] == [False, False, False]
    entered = desk.entered_states(pid)
    assert entered.count("Rectification") == 3 and entered.count("TrackingReview") == 3
    assert entered.count("NextRound") == 2


def test_a_petition_not_accepted_ends_at_triage(desk: PetitionDesk) -> None:
    pid = desk.register()["petitionId"]

    desk.triage(pid, accepted=False)

    assert desk.wait_for_end(pid) == "SUCCEEDED"
    entered = desk.entered_states(pid)
    assert entered[-1] == "NotAccepted" and "EnforcementReview" not in entered
    petition = desk.petition(pid)
    assert petition["status"] == "not_accepted"
    assert petition["notAcceptedReason"] == "不属于公安机关职权范围"
    assert petition["closedAt"]
    assert _told(desk, pid) == ["not_accepted"]


def test_completion_by_the_wrong_role_or_another_unit_is_refused(desk: PetitionDesk) -> None:
    # Given a case waiting for its triage
    pid = desk.register()["petitionId"]
    triage = desk.wait_for_task(pid, "triage")
    body = {"accepted": True, "handlingUnit": UNIT, "summary": "受理"}

    # Then a leader cannot triage (403), and a bad body names the field (422)
    refused = desk.complete(triage["taskId"], body, LEADER)
    assert refused.status == 403, refused.json
    bad = desk.complete(triage["taskId"], {"accepted": True, "summary": "受理"}, PETITION_OFFICE)
    assert bad.status == 422
    assert [e["field"] for e in bad.json["errors"]] == ["handlingUnit"]

    # When the case reaches the handling unit's rectification
    desk.triage(pid)
    desk.review(pid, "enforcement_review")
    desk.instruct(pid)
    rectification = desk.wait_for_task(pid, "rectification")

    # Then another unit cannot complete it (403), nor can the petition office
    body = {"actions": "已整改"}
    assert desk.complete(rectification["taskId"], body, OTHER_HANDLING_UNIT).status == 403
    assert desk.complete(rectification["taskId"], body, PETITION_OFFICE).status == 403
    # And the unit's own worklist has it, the other unit's does not
    own = desk.cloud.api("GET", "/tasks?status=open", claims=HANDLING_UNIT).json
    other = desk.cloud.api("GET", "/tasks?status=open", claims=OTHER_HANDLING_UNIT).json
    assert rectification["taskId"] in [t["taskId"] for t in own]
    assert rectification["taskId"] not in [t["taskId"] for t in other]
    assert desk.complete(rectification["taskId"], body, HANDLING_UNIT).status == 200


def test_completing_twice_is_a_conflict_and_the_workflow_does_not_advance(
    desk: PetitionDesk,
) -> None:
    # Given a completed enforcement review
    pid = desk.register()["petitionId"]
    desk.triage(pid)
    review = desk.wait_for_task(pid, "enforcement_review")
    body = {"scores": SCORES, "passed": True, "findings": "规范"}
    assert desk.complete(review["taskId"], body, PETITION_OFFICE).status == 200
    desk.wait_for_task(pid, "leader_instruction")
    entered_before = desk.entered_states(pid)

    # When it is completed again
    again = desk.complete(review["taskId"], body, PETITION_OFFICE)

    # Then 409, and the workflow is still waiting at the leader's instruction
    assert again.status == 409, again.json
    time.sleep(0.3)
    desk.cloud.deliver(wait_seconds=0.2)
    assert desk.entered_states(pid) == entered_before
    petition = desk.petition(pid)
    assert petition["currentStep"] == "leader_instruction"
    assert len(petition["evaluations"]) == 1
    assert [s["step"] for s in petition["steps"]].count("leader_instruction") == 1


def test_an_extension_moves_the_conclusion_deadline_once(desk: PetitionDesk) -> None:
    pid = desk.register()["petitionId"]
    desk.triage(pid)
    before = desk.petition(pid)["conclusionDueAt"]
    path = f"/petitions/{pid}/extension"
    body = {"days": 20, "reason": "案情复杂，需进一步调查"}

    assert desk.cloud.api("POST", path, body=body, claims=PETITION_OFFICE).status == 403
    extended = desk.cloud.api("POST", path, body=body, claims=LEADER)
    assert extended.status == 200, extended.json
    second = desk.cloud.api("POST", path, body={**body, "days": 5}, claims=LEADER)
    too_long = desk.cloud.api("POST", path, body={**body, "days": 31}, claims=LEADER)

    assert second.status == 409
    assert too_long.status == 422
    after = desk.petition(pid)
    shift = instant(after["conclusionDueAt"]) - instant(before)
    assert shift.days == 20 and after["extended"] is True
    assert _told(desk, pid) == ["accepted", "extended"]  # once, however often it was asked


def _told(desk: PetitionDesk, pid: str) -> list[str]:
    """The outcomes of the messages the petitioner got (the CitizenInbox), in order."""
    assert not desk.cloud.deliver().errors  # the Notifier handles the last outcome
    messages = inbox.read(target_of(desk.cloud), reference=pid)
    for message in messages:  # no ID number, name or phone: the reference only
        assert not re.search(r"\d{17}[\dX]|张三|13800138000", message.text)
        assert pid in message.text
    return [m.outcome for m in messages]
