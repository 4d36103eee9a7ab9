"""The scoreboard over generated two-year histories: counters kept from the events (rule →
queue → consumer), figures year over year checked against figures computed here from the
generated history itself, redelivery counting nothing, and the rebuild agreeing.

The histories go straight into the tables; their events go onto the bus as the outbox
would publish them, so the consumer runs exactly as deployed.
"""

from __future__ import annotations

import json
import random
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from onetrip.dal.models import bound
from onetrip.dal.models.applications import ApplicationPart
from onetrip.dal.petitions import PetitionStore
from onetrip.handlers import wiring
from onetrip.logic import scoreboard_rebuild
from onetrip.settings import Settings

from tests.builders import claims

CST = timezone(timedelta(hours=8))
DISTRICTS = ("江北区", "海曙区", "鄞州区")
CATEGORIES = ("law_enforcement", "public_order", "traffic", "household", "other")
AGENCIES = ("social_security", "water", "gas")
YEARS = (2021, 2022)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class GeneratedPetition:
    petition_id: str
    year: int
    month: int
    district: str
    category: str
    status: str  # in_progress | closed | not_accepted
    received: datetime
    repeat: bool
    resolved: bool = False
    days_to_close: int = 0

    def record(self) -> dict[str, Any]:
        closed_at = self.received + timedelta(days=self.days_to_close)
        record: dict[str, Any] = {
            "petitionId": self.petition_id,
            "status": self.status,
            "category": self.category,
            "subject": "年度样例",
            "petitioner": {"name": "样例", "idNumber": "330203199003077019", "phone": "10000"},
            "channel": "visit",
            "district": self.district,
            "receivedAt": _utc(self.received),
            "repeatOf": ["earlier"] if self.repeat else [],
            "steps": {},
            "petitionerKey": f"ID#board-{self.petition_id}",
            # Generous deadlines: no deadline is missed in this history.
            "acceptanceDueAt": _utc(self.received + timedelta(days=15)),
            "conclusionDueAt": _utc(self.received + timedelta(days=90)),
        }
        if self.status != "in_progress":
            record["closedAt"] = _utc(closed_at)
        if self.status == "closed":
            record["acceptedAt"] = _utc(self.received + timedelta(days=1))
            record["resolution"] = "resolved" if self.resolved else "partially_resolved"
        return record


@dataclass
class GeneratedApplication:
    application_id: str
    year: int
    month: int
    district: str
    submitted: datetime
    agencies: tuple[str, ...]
    tenths_of_hours: int | None  # approval to completion; None = still applying
    failed: set[str] = field(default_factory=set)


def _history(seed: int = 12) -> tuple[list[GeneratedPetition], list[GeneratedApplication]]:
    rng = random.Random(seed)
    petitions: list[GeneratedPetition] = []
    applications: list[GeneratedApplication] = []
    for year in YEARS:
        for month in range(1, 13):
            # The second year has fewer petitions, as the reform intends.
            for n in range(rng.randint(2, 3) if year == YEARS[0] else rng.randint(1, 2)):
                received = datetime(year, month, rng.randint(1, 28), rng.randint(0, 23), tzinfo=CST)
                status = rng.choice(("closed", "closed", "not_accepted", "in_progress"))
                petitions.append(
                    GeneratedPetition(
                        petition_id=f"board_p{year}{month:02d}{n}",
                        year=year,
                        month=month,
                        district=rng.choice(DISTRICTS),
                        category=rng.choice(CATEGORIES),
                        status=status,
                        received=received,
                        repeat=rng.random() < 0.2,
                        resolved=rng.random() < 0.7,
                        days_to_close=rng.randint(2, 60),
                    )
                )
            for n in range(rng.randint(1, 2)):
                submitted = datetime(year, month, rng.randint(1, 28), 9, tzinfo=CST)
                done = rng.random() < 0.9
                agencies = tuple(a for a in AGENCIES if rng.random() < 0.7) or ("water",)
                applications.append(
                    GeneratedApplication(
                        application_id=f"board_a{year}{month:02d}{n}",
                        year=year,
                        month=month,
                        district=rng.choice(DISTRICTS),
                        submitted=submitted,
                        agencies=agencies,
                        tenths_of_hours=rng.randint(1, 480) if done else None,
                        failed={a for a in agencies if rng.random() < 0.15} if done else set(),
                    )
                )
    return petitions, applications


def _store_application(parts: Any, app: GeneratedApplication) -> None:
    pk = f"APP#{app.application_id}"
    decided = app.submitted + timedelta(hours=2)
    status = "applying"
    if app.tenths_of_hours is not None:
        status = "completed_with_failures" if app.failed else "completed"
    parts(
        pk, "APP", application_id=app.application_id, status=status, person_id="per_board",
        id_number="330203199003077019", kind="change",
        changes={"surname": {"from": "王", "to": "汪"}},
        reason="样例", window={"district": app.district}, submitted_at=_utc(app.submitted),
        submitted_by="clerk", base_version=1, decided_at=_utc(decided), decided_by="approver",
    ).save()  # fmt: skip
    for agency in app.agencies:
        link_status = "pending" if app.tenths_of_hours is None else "applied"
        if agency in app.failed:
            link_status = "failed"
        parts(pk, f"LINK#{agency}", agency=agency, status=link_status, attempts=1,
              updated_at=_utc(decided)).save()  # fmt: skip
    if app.tenths_of_hours is not None:
        at = _utc(decided + timedelta(minutes=6 * app.tenths_of_hours))
        parts(pk, f"TL#{at}#{status}", at=at, event=status).save()


def _events(
    petitions: list[GeneratedPetition], applications: list[GeneratedApplication]
) -> list[tuple[str, str, dict[str, Any]]]:
    out: list[tuple[str, str, dict[str, Any]]] = []
    for p in petitions:
        out.append(("onetrip.petitions", "PetitionReceived", {"petitionId": p.petition_id}))
        if p.status != "in_progress":
            detail = {"petitionId": p.petition_id, "status": p.status}
            out.append(("onetrip.petitions", "PetitionClosed", detail))
    for a in applications:
        out.append(
            ("onetrip.identity", "IdentityChangeSubmitted", {"applicationId": a.application_id})
        )
        if a.tenths_of_hours is not None:
            detail = {
                "applicationId": a.application_id, "personId": "per_board",
                "status": "completed_with_failures" if a.failed else "completed",
                "failedAgencies": sorted(a.failed),
            }  # fmt: skip
            out.append(("onetrip.identity", "IdentityChangeCompleted", detail))
    return out


def _publish(cloud: Any, events: list[tuple[str, str, dict[str, Any]]]) -> None:
    bus = cloud.bus_name
    client = cloud.boto("events")
    for start in range(0, len(events), 10):
        entries = [
            {"Source": s, "DetailType": t, "Detail": json.dumps({"schemaVersion": "1", **d}),
             "EventBusName": bus}
            for s, t, d in events[start : start + 10]
        ]  # fmt: skip
        assert not client.put_events(Entries=entries).get("FailedEntryCount")
    report = cloud.deliver()
    assert report.drained


# The figures, computed here from the generated history (not by the code under test).


def _percent(value: float | None, previous: float | None) -> float | None:
    return None if value is None or not previous else round((value - previous) / previous * 100, 1)


def _petition_kpis(items: list[GeneratedPetition]) -> dict[str, Any]:
    closed = [p for p in items if p.status == "closed"]
    total = len(items)
    return {
        "total": total,
        "closed": len(closed),
        "notAccepted": sum(p.status == "not_accepted" for p in items),
        "repeatRate": round(sum(p.repeat for p in items) / total, 4),
        "firstContactResolutionRate": round(
            sum(p.resolved and not p.repeat for p in closed) / total, 4
        ),
        "averageDaysToClose": round(statistics.mean(p.days_to_close for p in closed), 2),
    }


def _identity_kpis(items: list[GeneratedApplication]) -> dict[str, Any]:
    done = [a for a in items if a.tenths_of_hours is not None]
    water = [a for a in done if "water" in a.agencies]
    return {
        "applications": len(items),
        "completedWithoutFailures": sum(not a.failed for a in done),
        "medianHoursToComplete": round(statistics.median(a.tenths_of_hours / 10 for a in done), 2),  # type: ignore[operator]
        "waterFailureRate": round(sum("water" in a.failed for a in water) / len(water), 4),
    }


@pytest.fixture(scope="module")
def history() -> tuple[list[GeneratedPetition], list[GeneratedApplication]]:
    return _history()


@pytest.fixture(scope="module")
def board(cloud: Any, history: Any) -> Iterator[Any]:
    """Given two years of petitions and applications, stored, and their events consumed
    (once for the module: the tests below only read, or redeliver and expect no change)."""
    petitions, applications = history
    cloud.reset()
    store = PetitionStore(cloud.table("Petitions"))
    for p in petitions:
        store.create(p.record())
    parts = bound(ApplicationPart, cloud.table("Applications"))
    for a in applications:
        _store_application(parts, a)
    _publish(cloud, _events(petitions, applications))
    yield cloud
    cloud.reset()  # the session's other tests count petitions of their own


def _get(cloud: Any, path: str) -> dict[str, Any]:
    result = cloud.api("GET", path, claims=claims("leader"))
    assert result.status == 200, result.json
    return result.json  # type: ignore[no-any-return]


def _sources(cloud: Any) -> scoreboard_rebuild.RebuildSources:
    return wiring.rebuild_sources(
        Settings.model_validate(cloud.env_for("ScoreboardConsumer") | cloud.env_for("TaskOpener"))
    )


def test_year_over_year_figures_match_the_history(board: Any, history: Any) -> None:
    petitions, applications = history
    this = [p for p in petitions if p.year == YEARS[1]]
    last = [p for p in petitions if p.year == YEARS[0]]

    body = _get(board, f"/stats/petitions?from={YEARS[1]}-01-01&to={YEARS[1]}-12-31"
                       "&compareTo=previous_year")  # fmt: skip

    now, before = _petition_kpis(this), _petition_kpis(last)
    for name in now:
        assert body[name] == {
            "value": now[name], "previous": before[name],
            "changePercent": _percent(now[name], before[name]),
        }, name  # fmt: skip
    assert body["total"]["changePercent"] < 0  # fewer petitions in the reform's year
    assert [m["month"] for m in body["byMonth"]] == [f"{YEARS[1]}-{m:02d}" for m in range(1, 13)]
    for row in body["byMonth"]:
        month = int(row["month"][-2:])
        assert row["total"] == sum(p.month == month for p in this)
    for district in DISTRICTS:
        assert body["byDistrict"][district]["total"] == sum(p.district == district for p in this)


def test_previous_period_is_the_months_just_before(board: Any, history: Any) -> None:
    petitions, _ = history
    second_half = [p for p in petitions if p.year == YEARS[1] and p.month >= 7]
    first_half = [p for p in petitions if p.year == YEARS[1] and p.month < 7]

    body = _get(board, f"/stats/petitions?from={YEARS[1]}-07-01&to={YEARS[1]}-12-31"
                       "&compareTo=previous_period")  # fmt: skip

    assert body["period"] == {
        "months": [f"{YEARS[1]}-07", f"{YEARS[1]}-12"],
        "previousMonths": [f"{YEARS[1]}-01", f"{YEARS[1]}-06"],
    }
    assert body["total"]["value"] == len(second_half)
    assert body["total"]["previous"] == len(first_half)


def test_identity_change_figures_match_the_history(board: Any, history: Any) -> None:
    _, applications = history
    this = [a for a in applications if a.year == YEARS[1]]
    last = [a for a in applications if a.year == YEARS[0]]

    body = _get(board, f"/stats/identity-changes?from={YEARS[1]}-01-01&to={YEARS[1]}-12-31"
                       "&compareTo=previous_year")  # fmt: skip

    now, before = _identity_kpis(this), _identity_kpis(last)
    for name in ("applications", "completedWithoutFailures", "medianHoursToComplete"):
        assert body[name] == {
            "value": now[name], "previous": before[name],
            "changePercent": _percent(now[name], before[name]),
        }, name  # fmt: skip
    assert body["linkedUpdates"]["water"]["failureRate"]["value"] == now["waterFailureRate"]
    assert body["linkedUpdates"]["water"]["failureRate"]["previous"] == before["waterFailureRate"]
    plain = _get(board, f"/stats/identity-changes?from={YEARS[1]}-03-01&to={YEARS[1]}-03-31")
    assert plain["applications"] == sum(a.month == 3 for a in this)


def test_redelivered_events_change_no_counter_and_the_rebuild_agrees(
    board: Any, history: Any
) -> None:
    petitions, applications = history
    sources = _sources(board)
    live = {s: sources.scoreboard.series(s) for s in scoreboard_rebuild.SERIES}
    assert scoreboard_rebuild.check(sources).as_dict() == {
        "ok": True, "counters": sum(len(v) for v in live.values()),
        "facts": len(_events(petitions, applications)), "differences": {},
    }  # fmt: skip

    # When a sample of every kind of event is delivered again (each as the bus would)
    _publish(board, _events(petitions, applications)[::7])

    # Then no counter moved
    assert {s: sources.scoreboard.series(s) for s in scoreboard_rebuild.SERIES} == live
    # And a rebuild writes the same counters
    assert scoreboard_rebuild.rebuild(sources).agrees
    assert {s: sources.scoreboard.series(s) for s in scoreboard_rebuild.SERIES} == live


def test_compare_needs_whole_months_and_a_reader(cloud: Any) -> None:
    odd = cloud.api(
        "GET", "/stats/identity-changes?from=2022-01-02&to=2022-01-31", claims=claims("leader")
    )
    assert odd.status == 422
    assert [e["field"] for e in odd.json["errors"]] == ["from"]
    assert (
        cloud.api(
            "GET", "/stats/identity-changes?from=2022-01-01&to=2022-01-31", claims=claims("clerk")
        ).status
        == 403
    )
    bad = cloud.api(
        "GET", "/stats/petitions?from=2022-01-01&to=2022-01-31&compareTo=last_week",
        claims=claims("leader"),
    )  # fmt: skip
    assert bad.status == 422
    assert [e["field"] for e in bad.json["errors"]] == ["compareTo"]


def test_district_ranking_follows_the_scoring_rule_and_reruns_alike(
    board: Any, history: Any
) -> None:
    petitions, applications = history
    path = f"/stats/districts?from={YEARS[1]}-01-01&to={YEARS[1]}-12-31"

    first, again = _get(board, path), _get(board, path)

    assert first == again
    # Deductions computed here: 1 point per repeat petition, 1 per failed linked update,
    # 3 per petition not accepted later than 15 days after receipt (信访工作条例 art. 24).
    lost = {
        d: sum(p.repeat for p in petitions if p.year == YEARS[1] and p.district == d)
        + sum(len(a.failed) for a in applications if a.year == YEARS[1] and a.district == d)
        + 3
        * sum(
            p.status == "not_accepted" and p.days_to_close > 15
            for p in petitions
            if p.year == YEARS[1] and p.district == d
        )
        for d in DISTRICTS
    }
    order = sorted(DISTRICTS, key=lambda d: (lost[d], d))
    assert [(r["rank"], r["district"], r["score"]) for r in first] == [
        (i, d, 100 - lost[d]) for i, d in enumerate(order, start=1)
    ]


def test_each_outcome_sends_exactly_one_message_without_personal_data(
    board: Any, history: Any
) -> None:
    petitions, applications = history
    sqs = board.boto("sqs")
    url = board.queue_url("CitizenInbox")
    bodies: list[dict[str, Any]] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        bodies += [json.loads(m["Body"])["detail"] for m in batch]

    expected = sorted(
        [f"{p.petition_id}:{p.status}" for p in petitions if p.status != "in_progress"]
        + [
            f"{a.application_id}:{'completed_with_failures' if a.failed else 'completed'}"
            for a in applications
            if a.tenths_of_hours is not None
        ]
    )
    # The redelivery test above sent a sample of the outcomes again: still one each.
    assert sorted(b["messageId"] for b in bodies) == expected
    for body in bodies:
        assert "330203199003077019" not in json.dumps(body, ensure_ascii=False)
        assert "样例" not in body["text"]
