"""Contention, with real threads against moto (the logic called directly, since the
in-process HTTP harness serialises invocations): conflicting submissions and decisions
for one person, and number allocations in one region and birth date.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from functools import partial
from typing import Any

import pytest
from onetrip.api.auth import Caller, Role
from onetrip.domain import id_number as id_rules
from onetrip.errors import Conflict
from onetrip.handlers import wiring
from onetrip.logic import identity_changes
from onetrip.logic.identity_changes import ChangeRequest, IdentityStores
from onetrip.settings import Settings

from tests.builders import id_number
from tests.integration.racing import race
from tests.support.identity_flow import IdentityDesk

RACERS = 50
CLERK = Caller(sub="clerk-race", roles=frozenset({Role.CLERK}))
APPROVER = Caller(sub="approver-race", roles=frozenset({Role.APPROVER}))


@pytest.fixture
def stores(fresh_cloud: Any) -> IdentityStores:
    # What the identity-changes function is built from, as its handler would build it
    return wiring.identity(Settings.model_validate(fresh_cloud.env_for("IdentityChangesApi")))


def _request(person: dict[str, Any], changes: dict[str, Any]) -> ChangeRequest:
    return ChangeRequest(
        id_number=person["idNumber"], kind="change", changes=changes, reason="户口登记项目变更",
        window={"district": "海曙区", "counter": "A3"},
    )  # fmt: skip


def test_racing_submissions_and_decisions_for_one_person_each_win_once_per_version(
    fresh_cloud: Any, stores: IdentityStores
) -> None:
    desk = IdentityDesk(fresh_cloud)
    person = desk.register()
    names = ["李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐"]
    for version in (1, 2, 3):
        # When 50 clerks submit conflicting changes for the person at the same instant
        current = desk.person(person["personId"])
        assert current["version"] == version
        choices = [n for n in names if n != current["surname"]]
        submitted = race(
            [
                partial(
                    identity_changes.submit,
                    stores,
                    CLERK,
                    _request(current, {"surname": choices[i % len(choices)]}),
                )
                for i in range(RACERS)
            ]
        )
        # Then exactly one application is open; every other clerk got a conflict (409)
        winners = [s for s in submitted if not isinstance(s, Exception)]
        assert len(winners) == 1
        assert Counter(type(s) for s in submitted if isinstance(s, Exception)) == {
            Conflict: RACERS - 1
        }

        # When 50 approvers decide it at once, half approving, half rejecting
        (application,) = winners
        decide = partial(identity_changes.decide, stores, APPROVER, comment="核实")
        decided = race(
            [partial(decide, application.application_id, approve=i % 2 == 0) for i in range(RACERS)]
        )
        # Then one decision stands, the rest are conflicts; the registry moved at most once
        outcomes = [d for d in decided if not isinstance(d, Exception)]
        assert len(outcomes) == 1
        assert Counter(type(d) for d in decided if isinstance(d, Exception)) == {
            Conflict: RACERS - 1
        }
        approved = outcomes[0].status == "applying"
        after = desk.person(person["personId"])
        print(
            outcomes[0].status,
            desk.application(application.application_id)["timeline"],
            after["version"],
        )
        assert after["version"] == version + (1 if approved else 0)
        if not approved:  # keep the versions moving: approve one change alone
            desk.change(after, {"surname": choices[0]})
        person = desk.person(person["personId"])
    # Three versions, three audited changes: no approval applied twice
    assert person["version"] == 4
    assert len(stores.registry.audit_entries(person["personId"])) == 3
    fresh_cloud.reset()  # the linked updates are not this test's subject: drop them


def test_racing_number_allocations_in_one_region_and_birth_date_never_share_a_number(
    fresh_cloud: Any, stores: IdentityStores
) -> None:
    # Given 50 persons of one region, each with a submitted birth-date correction to the
    # same day (so each approval allocates a number for region 330203 and that day)
    desk = IdentityDesk(fresh_cloud)
    target = date(1991, 5, 20)
    applications = []
    for sequence in range(RACERS):
        born = target - timedelta(days=1 + sequence % 3)
        person = desk.register(
            idNumber=id_number(born, "female", sequence=100 + sequence),
            birthDate=born.isoformat(), gender="female",
        )  # fmt: skip
        submitted = desk.submit(person, {"birthDate": target.isoformat()})
        assert submitted.status == 201, submitted.json
        applications.append(submitted.json["applicationId"])

    # When all 50 are approved at the same instant
    decided = race(
        [
            partial(identity_changes.decide, stores, APPROVER, a, approve=True, comment="核实")
            for a in applications
        ]
    )

    # Then every approval got its own number, valid for that region, day and gender
    assert [repr(d) for d in decided if isinstance(d, Exception)] == []
    numbers = [d.changes["idNumber"]["to"] for d in decided]
    assert len(set(numbers)) == RACERS
    for number, application in zip(numbers, decided, strict=True):
        assert id_rules.validate(number, field="n") == []
        assert number.startswith("33020319910520")
        assert int(number[16]) % 2 == 0  # GB 11643: an even sequence digit is female
        holder = stores.registry.resolve(number)
        assert holder is not None and holder[0] == application.person_id
    fresh_cloud.reset()  # the linked updates are not this test's subject: drop them
