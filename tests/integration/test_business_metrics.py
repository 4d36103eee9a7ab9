"""Business metrics as the flows emit them (EMF lines on stdout, read back here): once per
committed change, with the dimensions the alarms and dashboard expect."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from onetrip.logic import linked_updates
from onetrip.routing import Agency
from onetrip_local.harness import LocalCloud

from tests.support.identity_flow import IdentityDesk
from tests.support.petitions import PetitionDesk


def emitted(out: str) -> Counter[tuple[str, tuple[tuple[str, str], ...]]]:
    """(metric, dimensions other than service) -> summed value, from the EMF lines."""
    counts: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()
    for line in out.splitlines():
        if not line.startswith('{"_aws"'):
            continue
        document = json.loads(line)
        (directive,) = document["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "Onetrip/dev"
        (dimension_names,) = directive["Dimensions"]
        assert document["service"] == "onetrip"
        dims = tuple(sorted((d, document[d]) for d in dimension_names if d != "service"))
        for metric in directive["Metrics"]:
            counts[(metric["Name"], dims)] += int(sum(document[metric["Name"]]))
    return counts


def test_an_identity_change_counts_submitted_approved_applied_completed_once(
    fresh_cloud: LocalCloud, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = IdentityDesk(fresh_cloud)
    person = desk.register()
    desk.seed_records(person, [Agency.WATER])
    capsys.readouterr()

    desk.change(person, {"surname": "李"})
    fresh_cloud.deliver()
    fresh_cloud.deliver()  # nothing left: counts nothing more

    counts = emitted(capsys.readouterr().out)
    assert counts == {
        ("ApplicationsSubmitted", ()): 1,
        ("ApplicationsApproved", ()): 1,
        ("LinkedUpdatesApplied", (("agency", "water"),)): 1,
        ("ApplicationsCompleted", (("outcome", "completed"),)): 1,
    }


def test_a_given_up_linked_update_counts_as_failed_for_its_agency(
    fresh_cloud: LocalCloud, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = IdentityDesk(fresh_cloud)
    person = desk.register()
    desk.seed_records(person, [Agency.GAS, Agency.WATER])
    real_sync = linked_updates._sync

    def sync(stores: Any, agency: Agency, *args: Any) -> Any:
        if agency is Agency.GAS:
            raise RuntimeError("gas records unavailable")
        return real_sync(stores, agency, *args)

    monkeypatch.setattr(linked_updates, "_sync", sync)
    capsys.readouterr()

    desk.change(person, {"surname": "李"})
    fresh_cloud.deliver()

    counts = emitted(capsys.readouterr().out)
    assert counts[("LinkedUpdatesFailed", (("agency", "gas"),))] == 1
    assert counts[("LinkedUpdatesApplied", (("agency", "water"),))] == 1
    assert counts[("ApplicationsCompleted", (("outcome", "completed_with_failures"),))] == 1
    assert counts[("ApplicationsCompleted", (("outcome", "completed"),))] == 0


def test_petitions_count_opened_not_accepted_reminders_and_overdue(
    fresh_cloud: LocalCloud, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = PetitionDesk(fresh_cloud)
    pid = desk.register()["petitionId"]
    entry = desk.wait_for_task(pid, "triage")
    due = datetime.fromisoformat(entry["dueAt"])

    # The sweep just after the due instant records half, 80 % and due: the task is overdue.
    result = fresh_cloud.fire_schedule(
        "ReminderSweep", due.replace(microsecond=0) + timedelta(seconds=1)
    )
    desk.triage(pid, accepted=False)

    counts = emitted(capsys.readouterr().out)
    assert counts[("PetitionsOpened", ())] == 1
    assert counts[("PetitionsNotAccepted", ())] == 1
    assert counts[("PetitionsClosed", ())] == 0
    assert result["recorded"] == 3
    assert {k: v for k, v in counts.items() if k[0] == "RemindersSent"} == {
        ("RemindersSent", (("kind", "half"),)): 1,
        ("RemindersSent", (("kind", "eighty"),)): 1,
        ("RemindersSent", (("kind", "due"),)): 1,
    }
    assert counts[("TasksOverdue", ())] == 1


def test_every_outbox_sweep_reports_the_oldest_unpublished_item(
    fresh_cloud: LocalCloud, capsys: pytest.CaptureFixture[str]
) -> None:
    outbox = fresh_cloud.table("Outbox")
    dynamodb = fresh_cloud.boto("dynamodb")
    now = datetime.now(UTC)
    capsys.readouterr()

    fresh_cloud.fire_schedule("OutboxRelay", now)  # empty outbox: 0, so "running" shows
    # An event committed 10 minutes ago whose publish-after-commit never happened
    dynamodb.put_item(
        TableName=outbox,
        Item={
            "pk": {"S": "evt_stranded"},
            "sk": {"S": "EVENT"},
            "source": {"S": "onetrip.identity"},
            "detailType": {"S": "IdentityChangeCompleted"},
            "detail": {
                "S": json.dumps(
                    {
                        "applicationId": "chg_x",
                        "personId": "p",
                        "status": "completed",
                        "failedAgencies": [],
                    }
                )
            },
            "createdAt": {"S": (now - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%S.000Z")},
        },
    )
    published = fresh_cloud.fire_schedule("OutboxRelay", now)

    ages = [
        json.loads(line)["OutboxOldestItemAge"]
        for line in capsys.readouterr().out.splitlines()
        if line.startswith('{"_aws"') and "OutboxOldestItemAge" in line
    ]
    assert ages == [[0.0], [600.0]]
    assert published == {"found": 1, "published": 1}
