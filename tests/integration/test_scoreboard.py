"""The scoreboard over generated two-year histories: counters kept from the events (rule →
queue → consumer), figures year over year checked against figures computed here from the
generated history itself, redelivery counting nothing, and the rebuild agreeing.

The histories go straight into the tables; their events go onto the bus as the outbox
would publish them, so the consumer runs exactly as deployed.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterator
from typing import Any

import pytest
from onetrip.handlers import wiring
from onetrip.logic import scoreboard_rebuild
from onetrip.settings import Settings

from tests.builders import claims
from tests.scoreboard_history import (
    DISTRICTS,
    YEARS,
    GeneratedApplication,
    GeneratedPetition,
    events,
    expected_ranking,
    generate,
    publish,
    store,
)

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
    return generate()


@pytest.fixture(scope="module")
def board(cloud: Any, history: Any) -> Iterator[Any]:
    """Given two years of petitions and applications, stored, and their events consumed
    (once for the module: the tests below only read, or redeliver and expect no change)."""
    petitions, applications = history
    cloud.reset()
    store(cloud, petitions, applications)
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
        "facts": len(events(petitions, applications)), "differences": {},
    }  # fmt: skip

    # When a sample of every kind of event is delivered again (each as the bus would)
    publish(board, events(petitions, applications)[::7])

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
    assert [(r["rank"], r["district"], r["score"]) for r in first] == expected_ranking(
        petitions, applications, YEARS[1]
    )


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
