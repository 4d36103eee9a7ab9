"""`onetrip ops --url` against a running `onetrip local`, as on-call would rehearse it."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.support.local_runtime import ONETRIP, HttpCloud, RunningLocal, wait_until
from tests.support.petitions import PETITION_OFFICE, petition_body

pytestmark = pytest.mark.e2e


def ops(local: RunningLocal, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ONETRIP), "ops", "--url", local.url, "--json", *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_dlqs_lists_every_dead_letter_queue(local: RunningLocal) -> None:
    done = ops(local, "dlqs")

    assert done.returncode == 0, done.stderr
    depths = json.loads(done.stdout)
    assert set(depths) == {
        "SocialSecurityDeadLetters", "StudentRollDeadLetters", "ExitEntryDeadLetters",
        "DrivingLicenceDeadLetters", "WaterDeadLetters", "ElectricityDeadLetters",
        "GasDeadLetters", "PetitionTaskDeadLetters", "CredentialChainDeadLetters",
        "ScoreboardDeadLetters", "NotifierDeadLetters", "CitizenInboxDeadLetters",
    }  # fmt: skip
    assert all(isinstance(n, int) and n >= 0 for n in depths.values())


def test_history_and_retry_through_the_cli(local: RunningLocal, http: HttpCloud) -> None:
    created = http.api("POST", "/petitions", body=petition_body(), claims=PETITION_OFFICE)
    assert created.status == 201, created.json
    pid = created.json["petitionId"]

    def triage_entered() -> list[dict[str, str]] | None:
        done = ops(local, "history", pid)
        events = json.loads(done.stdout) if done.returncode == 0 else []
        return events if any(e.get("name") == "Triage" for e in events) else None

    events = wait_until(triage_entered, timeout=30, interval=0.5)
    assert events[0]["type"] == "ExecutionStarted"

    missing = ops(local, "retry", "chg_missing", "water")
    assert missing.returncode == 1
    (retry,) = json.loads(missing.stdout)["retries"]
    assert (retry["agency"], retry["status"]) == ("water", 404)

    unknown = ops(local, "redrive", "sewage")
    assert unknown.returncode == 2
    assert "WaterDeadLetters" in unknown.stderr
