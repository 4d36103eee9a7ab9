"""Every crash window of the identity-change flow: a process that dies right after one of
its writes (or before publishing) loses nothing. Redelivery, the outbox relay and
nothing else must finish what the first attempt left undone: the application ends
final, every agency record equals the registry, each effect happened once.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from onetrip.clock import now
from onetrip.dal.applications import ApplicationStore
from onetrip.dal.outbox import Outbox
from onetrip.domain.application import LinkedUpdate, LinkStatus
from onetrip.logic import identity_changes, linked_updates
from onetrip.routing import HELD_FIELDS, Agency

from tests.support.identity_flow import IdentityDesk


class Crash(Exception):
    """The process died here (the delivery fails and SQS redelivers it)."""


@dataclass
class CrashPoint:
    """Die at the `occurrence`-th call of `owner.attr` (and `times` - 1 more), after (or
    before) it ran."""

    owner: Any
    attr: str
    occurrence: int
    after: bool = True
    times: int = 1  # consecutive calls that die
    calls: int = 0
    fired: bool = False

    def arm(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real: Callable[..., Any] = getattr(self.owner, self.attr)

        def crashing(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            due = self.occurrence <= self.calls < self.occurrence + self.times
            if due and not self.after:
                self.fired = True
                raise Crash(f"died before {self.attr}")
            result = real(*args, **kwargs)
            if due:
                self.fired = True
                raise Crash(f"died after {self.attr}")
            return result

        monkeypatch.setattr(self.owner, self.attr, crashing)


# With seven agencies: approval (1 transaction), seven settle transactions, one
# completion transaction (the seventh consumer's), each publish after its commit.
WINDOWS = {
    "approval committed, not published": CrashPoint(identity_changes, "transact", 1),
    "approval published, not answered": CrashPoint(Outbox, "publish_quietly", 1),
    "first link settled, completion not checked": CrashPoint(linked_updates, "transact", 1),
    "fourth link settled, completion not checked": CrashPoint(linked_updates, "transact", 4),
    "last link settled, completion not checked": CrashPoint(linked_updates, "transact", 7),
    "completion committed, not published": CrashPoint(linked_updates, "transact", 8),
    "completion committed, publish died": CrashPoint(Outbox, "publish_quietly", 2, after=False),
}


@pytest.fixture
def desk(fresh_cloud: Any) -> IdentityDesk:
    return IdentityDesk(fresh_cloud)


def settle(cloud: Any) -> None:
    """What the platform does unattended: redeliveries, then the scheduled outbox relay."""
    cloud.deliver()
    cloud.fire_schedule("OutboxRelay", now() + timedelta(minutes=1))
    cloud.deliver()


def assert_mirrors_registry(desk: IdentityDesk, person_id: str, version: int) -> None:
    registry = desk.person(person_id)
    for agency in Agency:
        record = desk.record(agency, registry["idNumber"]).json
        for held in HELD_FIELDS[agency]:
            assert record[held.value] == registry[held.value], (agency, held)
        assert record["version"] == version, agency  # written exactly once per change


def assert_completed_once(desk: IdentityDesk, application_id: str) -> None:
    application = desk.application(application_id)
    assert application["status"] == "completed"
    assert desk.links(application) == {a.value: "applied" for a in Agency}
    events = [e["event"] for e in application["timeline"]]
    assert events == ["submitted", "approved", "completed"]


def outbox_is_empty(cloud: Any) -> bool:
    scan = cloud.boto("dynamodb").scan(TableName=cloud.table("Outbox"), Select="COUNT")
    return int(scan["Count"]) == 0


@pytest.mark.parametrize("window", list(WINDOWS))
def test_a_crash_after_any_write_of_the_flow_is_finished_by_redelivery_or_relay(
    desk: IdentityDesk, fresh_cloud: Any, monkeypatch: pytest.MonkeyPatch, window: str
) -> None:
    # Given a person known to all seven agencies and a submitted surname change
    person = desk.register()
    desk.seed_records(person)
    submitted = desk.submit(person, {"surname": "周"})
    assert submitted.status == 201
    application_id = submitted.json["applicationId"]

    # When the process dies once, at this window, while the change is approved and applied
    crash = WINDOWS[window]
    crash = CrashPoint(crash.owner, crash.attr, crash.occurrence, crash.after)
    crash.arm(monkeypatch)
    decided = desk.decide(application_id)
    if decided.status != 200:
        assert decided.status == 500  # the approver saw the crash; the commit stands
    settle(fresh_cloud)
    monkeypatch.undo()

    # Then it happened, and the platform alone finished the change: final, mirrored, once
    assert crash.fired, window
    assert_completed_once(desk, application_id)
    assert_mirrors_registry(desk, person["personId"], version=2)
    assert desk.person(person["personId"])["surname"] == "周"
    assert outbox_is_empty(fresh_cloud)


def test_a_duplicate_losing_the_race_to_a_crashed_delivery_still_completes(
    desk: IdentityDesk, fresh_cloud: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a surname change whose last linked update (the seventh settle) settles its
    # link and dies before the completion check
    person = desk.register()
    desk.seed_records(person, [Agency.WATER])
    crash = CrashPoint(linked_updates, "transact", len(Agency))
    crash.arm(monkeypatch)
    real_link = ApplicationStore.link
    stale_reads: list[str] = []

    def stale_after_crash(self: ApplicationStore, application_id: str, agency: str) -> Any:
        # Its redelivery ran concurrently and read the link before that settle was
        # visible: it still sees `pending`.
        if crash.fired and not stale_reads:
            stale_reads.append(agency)
            return LinkedUpdate(agency=agency, status=LinkStatus.PENDING)
        return real_link(self, application_id, agency)

    monkeypatch.setattr(ApplicationStore, "link", stale_after_crash)
    approved = desk.change(person, {"surname": "吴"})
    outcomes: list[str] = []
    real_apply = linked_updates.apply
    monkeypatch.setattr(
        linked_updates, "apply", lambda *a: outcomes.append(real_apply(*a)) or outcomes[-1]
    )

    # When the redelivery's settle loses to the settled link (the "duplicate" path)
    fresh_cloud.deliver()

    # Then that duplicate completed the application nonetheless
    assert crash.fired and len(stale_reads) == 1
    assert outcomes[-1] == "duplicate"
    application = desk.application(approved["applicationId"])
    assert application["status"] == "completed"
    assert [e["event"] for e in application["timeline"]] == ["submitted", "approved", "completed"]
    assert desk.record(Agency.WATER, person["idNumber"]).json["surname"] == "吴"


def test_the_dlq_consumer_completes_an_application_whose_link_settled_meanwhile(
    desk: IdentityDesk, fresh_cloud: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a gas delivery that settles its link, then every delivery dies before the
    # completion check until the queue gives up on the message
    person = desk.register()
    desk.seed_records(person, [Agency.GAS])
    real_complete = linked_updates.complete_if_final
    gas_died = []

    def gas_dies_before_completing(*args: Any) -> None:
        if os.environ["AGENCY"] == Agency.GAS and len(gas_died) < 5:
            gas_died.append(1)
            raise Crash("died before the completion check")
        real_complete(*args)

    monkeypatch.setattr(linked_updates, "complete_if_final", gas_dies_before_completing)

    # When the message reaches the DLQ and its consumer gives up on the update
    approved = desk.change(person, {"surname": "郑"})
    report = fresh_cloud.deliver()

    # Then the DLQ consumer completes the application; the applied link stays applied
    assert report.failures["LinkedUpdateGas"] == 5
    assert report.records["LinkedUpdateGas"] == 6  # five from the queue, one from its DLQ
    application = desk.application(approved["applicationId"])
    assert application["status"] == "completed"
    assert desk.links(application)["gas"] == "applied"
    assert desk.record(Agency.GAS, person["idNumber"]).json["surname"] == "郑"
