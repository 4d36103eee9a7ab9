"""Petitions driven through the emulated HTTP API, like the desks would, and a tap on the
bus's petition events."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

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

    def straight_through(self, pid: str) -> dict[str, Any]:
        """Every step completed by its role, each passing first time; returns the last
        (accountability) task."""
        self.triage(pid)
        self.review(pid, "enforcement_review")
        self.instruct(pid)
        self.rectify(pid)
        self.review(pid, "tracking_review")
        self.conclude(pid)
        self.review(pid, "performance_review", petitionerSatisfaction=5)
        return self.account(pid)


class EventTap:
    """An extra rule on the bus that copies petition events into a queue we can read."""

    def __init__(self, cloud: Any) -> None:
        self.sqs, events = cloud.boto("sqs"), cloud.boto("events")
        name = f"tap-{uuid.uuid4().hex[:8]}"
        self.url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        events.put_rule(
            Name=name,
            EventBusName=cloud.bus_name,
            EventPattern=json.dumps({"source": ["onetrip.petitions"]}),
        )
        events.put_targets(
            Rule=name, EventBusName=cloud.bus_name, Targets=[{"Id": "tap", "Arn": arn}]
        )

    def events_for(self, task_id: str) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        while True:
            messages = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get(
                "Messages", []
            )
            if not messages:
                return found
            for message in messages:
                event = json.loads(message["Body"])
                if event["detail"].get("taskId") == task_id:
                    found.append((event["detail-type"], event["detail"].get("kind", "")))
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])
