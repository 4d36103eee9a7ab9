"""一案三评八步法 end to end on moto: the synthesized state machine runs for real; each
step's task message goes through the task queue to TaskOpener; completions go through
the HTTP API handlers and resume the workflow with SendTaskSuccess.

`PetitionDesk` (the helpers) is shared with the reminder and API tests.
"""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Any

import pytest
from onetrip_ops import inbox

from tests.builders import claims, id_number, unique_birth

PETITION_OFFICE = claims("petition_office")
LEADER = claims("leader")
LEADING_GROUP = claims("leading_group")
UNIT = "海曙分局"
OTHER_UNIT = "江北分局"
HANDLING_UNIT = claims("handling_unit", unit=UNIT)
OTHER_HANDLING_UNIT = claims("handling_unit", sub="jiangbei-user", unit=OTHER_UNIT)

SCORES = {"handling": 90, "implementation": 85, "replyQuality": 88}
STEP_STATES = [
    "Triage",
    "EnforcementReview",
    "LeaderInstruction",
    "Rectification",
    "TrackingReview",
    "Conclusion",
    "PerformanceReview",
    "Accountability",
]


def petition_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "petitioner": {
            "name": "张三",
            "idNumber": id_number(unique_birth()),
            "phone": "13800138000",
        },
        "category": "law_enforcement",
        "subject": "派出所对邻里纠纷处理不作为",
        "content": "2026年2月报警后，民警未到现场处理，要求说明情况。",
        "channel": "visit",
        "district": "海曙区",
    }
    body.update(overrides)
    return body


class PetitionDesk:
    """Drives petitions through the emulated HTTP API, like the desks would."""

    def __init__(self, cloud: Any) -> None:
        self.cloud = cloud

    def register(self, who: dict[str, Any] = PETITION_OFFICE, **overrides: Any) -> dict[str, Any]:
        result = self.cloud.api("POST", "/petitions", body=petition_body(**overrides), claims=who)
        assert result.status == 201, result.json
        return dict(result.json)

    def petition(self, petition_id: str, who: dict[str, Any] = PETITION_OFFICE) -> dict[str, Any]:
        result = self.cloud.api("GET", f"/petitions/{petition_id}", claims=who)
        assert result.status == 200, result.json
        return dict(result.json)

    def wait_for_task(self, petition_id: str, step: str, attempt: int = 0) -> dict[str, Any]:
        """Deliver task messages until the step's task is open (Step Functions sends them
        from a background thread)."""
        task_id = f"{petition_id}.{step}.{attempt}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            report = self.cloud.deliver(wait_seconds=0.2)
            assert not report.errors, report.errors
            for entry in self.petition(petition_id)["steps"]:
                if entry["taskId"] == task_id and entry["status"] == "open":
                    return dict(entry)
            time.sleep(0.05)
        raise AssertionError(f"task {task_id} did not open; steps: {self.petition(petition_id)}")

    def complete(self, task_id: str, body: dict[str, Any], who: dict[str, Any]) -> Any:
        return self.cloud.api("POST", f"/tasks/{task_id}/completion", body=body, claims=who)

    def step(
        self,
        petition_id: str,
        step: str,
        body: dict[str, Any],
        who: dict[str, Any],
        attempt: int = 0,
    ) -> dict[str, Any]:
        task = self.wait_for_task(petition_id, step, attempt)
        result = self.complete(task["taskId"], body, who)
        assert result.status == 200, result.json
        return dict(result.json)

    def execution_arn(self, petition_id: str) -> str:
        machine = self.cloud.state_machine_arn("PetitionWorkflow")
        return machine.replace(":stateMachine:", ":execution:") + f":{petition_id}"

    def wait_for_end(self, petition_id: str) -> str:
        sfn = self.cloud.boto("stepfunctions")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            status = sfn.describe_execution(executionArn=self.execution_arn(petition_id))["status"]
            if status != "RUNNING":
                return str(status)
            time.sleep(0.1)  # moto: >= 50 ms between polls or its interpreter starves
        raise AssertionError("the execution did not end")

    def entered_states(self, petition_id: str) -> list[str]:
        sfn = self.cloud.boto("stepfunctions")
        events = sfn.get_execution_history(
            executionArn=self.execution_arn(petition_id), maxResults=1000
        )["events"]
        return [
            e["stateEnteredEventDetails"]["name"]
            for e in events
            if e["type"].endswith("StateEntered")
        ]

    # The eight steps with ordinary bodies.
    def triage(self, pid: str, accepted: bool = True) -> dict[str, Any]:
        body: dict[str, Any] = {"accepted": accepted, "summary": "初访登记，属公安职权"}
        if accepted:
            body["handlingUnit"] = UNIT
        else:
            body["reason"] = "不属于公安机关职权范围"
        return self.step(pid, "triage", body, PETITION_OFFICE)

    def review(
        self, pid: str, step: str, passed: bool = True, attempt: int = 0, **extra: Any
    ) -> Any:
        body = {"scores": SCORES, "passed": passed, "findings": "评查意见", **extra}
        return self.step(pid, step, body, PETITION_OFFICE, attempt)

    def instruct(self, pid: str) -> dict[str, Any]:
        body = {"instruction": "请承办单位限期整改", "handlingUnit": UNIT, "dueDays": 20}
        return self.step(pid, "leader_instruction", body, LEADER)

    def rectify(self, pid: str, attempt: int = 0) -> dict[str, Any]:
        body = {"actions": "已约谈民警并上门调解", "evidence": ["调解记录-01"]}
        return self.step(pid, "rectification", body, HANDLING_UNIT, attempt)

    def conclude(self, pid: str, resolution: str = "resolved") -> dict[str, Any]:
        body = {"reply": "已书面答复信访人", "resolution": resolution}
        return self.step(pid, "conclusion", body, HANDLING_UNIT)

    def account(self, pid: str) -> dict[str, Any]:
        body = {"required": False, "findings": "办理规范，无需问责"}
        return self.step(pid, "accountability", body, LEADING_GROUP)


@pytest.fixture
def desk(cloud: Any) -> PetitionDesk:
    return PetitionDesk(cloud)


def test_a_petition_goes_through_all_eight_steps_and_closes(desk: PetitionDesk) -> None:
    # Given a petition registered at the desk
    petition = desk.register()
    pid = petition["petitionId"]
    assert petition["status"] == "in_progress" and petition["currentStep"] == "triage"

    # When every step is completed by its role
    desk.triage(pid)
    desk.review(pid, "enforcement_review")
    desk.instruct(pid)
    desk.rectify(pid)
    desk.review(pid, "tracking_review")
    desk.conclude(pid)
    desk.review(pid, "performance_review", petitionerSatisfaction=5)
    task = desk.account(pid)

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
    shift = _instant(after["conclusionDueAt"]) - _instant(before)
    assert shift.days == 20 and after["extended"] is True
    assert _told(desk, pid) == ["accepted", "extended"]  # once, however often it was asked


def _told(desk: PetitionDesk, pid: str) -> list[str]:
    """The outcomes of the messages the petitioner got (the CitizenInbox), in order."""
    from tests.integration.test_ops import target_of  # it imports this module

    assert not desk.cloud.deliver().errors  # the Notifier handles the last outcome
    messages = inbox.read(target_of(desk.cloud), reference=pid)
    for message in messages:  # no ID number, name or phone: the reference only
        assert not re.search(r"\d{17}[\dX]|张三|13800138000", message.text)
        assert pid in message.text
    return [m.outcome for m in messages]


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
