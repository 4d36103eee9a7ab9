"""一案三评八步法 end to end over HTTP against `onetrip local`: the synthesized state
machine runs in moto, task messages reach TaskOpener through the runtime's poller, and
`onetrip remind` fires the reminder schedule as of a chosen instant."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from typing import Any

import pytest

from tests.builders import claims, instant
from tests.support.local_runtime import ONETRIP, HttpCloud, RunningLocal, wait_until
from tests.support.petitions import (
    HANDLING_UNIT,
    LEADER,
    LEADING_GROUP,
    PETITION_OFFICE,
    SCORES,
    UNIT,
    petition_body,
)

pytestmark = pytest.mark.e2e

REVIEW = {"scores": SCORES, "passed": True, "findings": "评查意见"}
STEPS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("triage", {"accepted": True, "handlingUnit": UNIT, "summary": "初访登记"}, PETITION_OFFICE),
    ("enforcement_review", REVIEW, PETITION_OFFICE),
    ("leader_instruction", {"instruction": "限期整改", "handlingUnit": UNIT}, LEADER),
    ("rectification", {"actions": "已上门调解", "evidence": ["调解记录"]}, HANDLING_UNIT),
    ("tracking_review", REVIEW, PETITION_OFFICE),
    ("conclusion", {"reply": "已书面答复", "resolution": "resolved"}, HANDLING_UNIT),
    ("performance_review", {**REVIEW, "petitionerSatisfaction": 5}, PETITION_OFFICE),
    ("accountability", {"required": False, "findings": "无需问责"}, LEADING_GROUP),
]


def _open_step(http: HttpCloud, petition_id: str, step: str) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        petition = http.api("GET", f"/petitions/{petition_id}", claims=PETITION_OFFICE).json
        return next(
            (s for s in petition["steps"] if s["step"] == step and s["status"] == "open"), None
        )

    found: dict[str, Any] = wait_until(probe, timeout=60)
    return found


def _remind(local: RunningLocal, at: datetime) -> dict[str, Any]:
    done = subprocess.run(
        [str(ONETRIP), "remind", "--at", at.strftime("%Y-%m-%dT%H:%M:%SZ"), "--url", local.url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_a_petition_goes_through_eight_steps_with_reminders(
    http: HttpCloud, local: RunningLocal
) -> None:
    # Given a petition registered at the desk
    created = http.api("POST", "/petitions", body=petition_body(), claims=PETITION_OFFICE)
    assert created.status == 201, created.json
    petition_id = created.json["petitionId"]

    # When the reminder schedule fires past half of the triage task's time
    triage = _open_step(http, petition_id, "triage")
    opened, due = instant(triage["openedAt"]), instant(triage["dueAt"])
    fired = _remind(local, opened + (due - opened) * 0.6)

    # Then the task carries a "half" reminder
    assert fired["function"] == "ReminderSweep" and fired["result"]["recorded"] >= 1
    worklist = http.api("GET", "/tasks?status=open", claims=PETITION_OFFICE).json
    task = next(t for t in worklist if t["taskId"] == triage["taskId"])
    assert [r["kind"] for r in task["reminders"]] == ["half"]

    # When every step is completed by its role, in order
    for step, body, who in STEPS:
        task_id = _open_step(http, petition_id, step)["taskId"]
        completed = http.api("POST", f"/tasks/{task_id}/completion", body=body, claims=who)
        assert completed.status == 200, (step, completed.json)

    # Then the petition closes with three evaluations and eight completed steps
    closed = wait_until(
        lambda: (
            (p := http.api("GET", f"/petitions/{petition_id}", claims=PETITION_OFFICE).json)[
                "status"
            ]
            == "closed"
            and p
        ),
        timeout=60,
    )
    assert [s["step"] for s in closed["steps"]] == [step for step, _, _ in STEPS]
    assert all(s["status"] == "completed" for s in closed["steps"])
    assert [e["kind"] for e in closed["evaluations"]] == ["enforcement", "tracking", "performance"]


def test_remind_against_no_runtime_fails_clearly() -> None:
    done = subprocess.run(
        [str(ONETRIP), "remind", "--at", "2026-01-01T00:00:00Z", "--url", "http://127.0.0.1:9"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 1 and "no local runtime" in done.stderr


def test_admin_routes_name_unknown_schedules(http: HttpCloud) -> None:
    result = http.request("POST", "/_local/schedules/NoSuchThing", body={})
    assert result.status == 400 and "ReminderSweep" in result.json["detail"]


def test_token_cli_prints_claims_the_api_accepts(http: HttpCloud) -> None:
    citizen = claims("citizen", sub="c-1", idNumber="330203199003070011")
    assert http.api("GET", "/persons/unknown", claims=citizen).status == 404
