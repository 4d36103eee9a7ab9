"""GET /stats/petitions against a hand-computed fixture seeded into the Petitions table."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from onetrip.dal.petitions import PetitionStore
from onetrip.errors import Conflict

from tests.builders import claims

# January 2025 in China Standard Time: 2024-12-31T16:00Z .. 2025-01-31T16:00Z.
FIXTURE: list[dict[str, Any]] = [
    # P1: closed and resolved at first contact, 20 days
    {"id": "st_p1", "status": "closed", "category": "traffic", "resolution": "resolved",
     "receivedAt": "2025-01-05T02:00:00.000Z", "closedAt": "2025-01-25T02:00:00.000Z"},
    # P2: closed and resolved, 10 days, but P4 repeats it: not a first-contact resolution
    {"id": "st_p2", "status": "closed", "category": "public_order", "resolution": "resolved",
     "receivedAt": "2025-01-06T02:00:00.000Z", "closedAt": "2025-01-16T02:00:00.000Z"},
    # P3: not accepted
    {"id": "st_p3", "status": "not_accepted", "category": "other",
     "receivedAt": "2025-01-07T02:00:00.000Z", "closedAt": "2025-01-08T02:00:00.000Z"},
    # P4: a repeat of P2, in progress, one open step overdue and one completed
    {"id": "st_p4", "status": "in_progress", "category": "public_order", "repeatOf": ["st_p2"],
     "receivedAt": "2025-01-20T02:00:00.000Z",
     "steps": {"a": {"status": "completed", "dueAt": "2025-01-22T00:00:00.000Z"},
               "b": {"status": "open", "dueAt": "2025-01-25T00:00:00.000Z"}}},
    # P5: closed, partially resolved, 30 days
    {"id": "st_p5", "status": "closed", "category": "traffic", "resolution": "partially_resolved",
     "receivedAt": "2025-01-10T02:00:00.000Z", "closedAt": "2025-02-09T02:00:00.000Z"},
    # P6: 2025-02-01 00:30 CST — outside January
    {"id": "st_p6", "status": "closed", "category": "traffic", "resolution": "resolved",
     "receivedAt": "2025-01-31T16:30:00.000Z", "closedAt": "2025-02-05T02:00:00.000Z"},
    # P7: 2025-01-01 01:00 CST — inside January; its open step is not overdue
    {"id": "st_p7", "status": "in_progress", "category": "traffic",
     "receivedAt": "2024-12-31T17:00:00.000Z",
     "steps": {"c": {"status": "open", "dueAt": "2099-01-01T00:00:00.000Z"}}},
]  # fmt: skip

EXPECTED = {
    "total": 6,
    "closed": 3,
    "notAccepted": 1,
    "repeatRate": round(1 / 6, 4),
    "firstContactResolutionRate": round(1 / 6, 4),
    "overdueOpenTasks": 1,
    "averageDaysToClose": 20.0,
    "byCategory": {"other": 1, "public_order": 2, "traffic": 3},
}


@pytest.fixture
def seeded(cloud: Any) -> None:
    store = PetitionStore(cloud.table("Petitions"))
    for row in FIXTURE:
        petition = {
            "petitionId": row["id"],
            "status": row["status"],
            "category": row["category"],
            "subject": "统计样例",
            # Complete enough that the session's other tests can list it (GET /petitions).
            "petitioner": {"name": "统计", "idNumber": "330203199003077019", "phone": "10000"},
            "channel": "visit",
            "receivedAt": row["receivedAt"],
            "closedAt": row.get("closedAt"),
            "resolution": row.get("resolution"),
            "repeatOf": row.get("repeatOf", []),
            "steps": row.get("steps", {}),
            "petitionerKey": f"ID#stats-{row['id']}",
        }
        with contextlib.suppress(Conflict):  # seeded by an earlier test in this session
            store.create(petition)


def test_stats_match_the_hand_computed_fixture(cloud: Any, seeded: None) -> None:
    result = cloud.api(
        "GET", "/stats/petitions?from=2025-01-01&to=2025-01-31", claims=claims("ops")
    )
    assert result.status == 200, result.json
    assert result.json == EXPECTED


def test_stats_need_a_reporting_role_and_a_valid_period(cloud: Any) -> None:
    path = "/stats/petitions?from=2025-01-01&to=2025-01-31"
    assert cloud.api("GET", path, claims=claims("handling_unit", unit="x")).status == 403
    backwards = cloud.api(
        "GET", "/stats/petitions?from=2025-02-01&to=2025-01-01", claims=claims("leader")
    )
    assert backwards.status == 422
    assert [e["field"] for e in backwards.json["errors"]] == ["to"]
    missing = cloud.api("GET", "/stats/petitions?from=2025-02-01", claims=claims("leader"))
    assert missing.status == 422


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=0001-01-01&to=0001-01-02", "from"),  # was a 500 (datetime overflow)
        ("from=9999-12-31&to=9999-12-31", "from"),  # was a 500 (end + 1 day overflows)
        ("from=2025-01-01&to=9999-12-31", "to"),
        ("from=1704067200&to=2025-01-31", "from"),  # a Unix timestamp is not a date
        ("from=2025-01-01T00:00:00Z&to=2025-01-31", "from"),  # nor is an instant
    ],
)
def test_a_period_outside_the_calendar_is_a_422_naming_the_date(
    cloud: Any, query: str, field: str
) -> None:
    result = cloud.api("GET", f"/stats/petitions?{query}", claims=claims("leader"))
    assert result.status == 422, result.json
    assert field in [e["field"] for e in result.json["errors"]]
