"""The bureau's scoreboard facts (考核指标): what each record contributes to the monthly
counters, as a pure function of the record.

The Scoreboard consumer applies a fact when the event that announces it arrives; the
rebuild applies the facts of every record. Both call the functions here, so the live
counters and a rebuild agree by construction — as long as a fact, once it exists, never
changes. Each fact is therefore taken from what a record keeps for good:
- a petition counts in the month (China Standard Time) it was received, an application
  in the month it was submitted (a cohort: a later closure updates the cohort's month);
- an application's completion is its *first* completion (the timeline keeps it); a linked
  update "failed" if it is failed now or was ever retried (`retry_requested:<agency>`).

Figures are whole numbers (durations in seconds or tenths of an hour), so sums are exact.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from onetrip.domain.application import Application, LinkStatus, Status

# The bureau's months are China Standard Time months (UTC+8, no DST).
_CST = timezone(timedelta(hours=8), "CST")
PETITIONS = "petitions"
IDENTITY = "identity"
# A petition may be registered without a district (API.md: `district?`).
NO_DISTRICT = "未填写"
_COMPLETIONS = (Status.COMPLETED.value, Status.COMPLETED_WITH_FAILURES.value)


@dataclass(frozen=True)
class Fact:
    """`figures` to add to the (series, month, district) counter, once per `key`."""

    key: str
    series: str
    month: str
    district: str
    figures: Mapping[str, int] = field(default_factory=dict)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def month_of(instant: str) -> str:
    """yyyy-mm of an ISO instant, in China Standard Time."""
    return _instant(instant).astimezone(_CST).strftime("%Y-%m")


def _seconds(start: str, end: str) -> int:
    return round((_instant(end) - _instant(start)).total_seconds())


# Petitions


def petition_received(petition: Mapping[str, Any]) -> Fact:
    figures = {"total": 1, f"category:{petition.get('category') or 'other'}": 1}
    if petition.get("repeatOf"):
        figures["repeats"] = 1
    return _petition_fact("received", petition, figures)


def petition_closed(petition: Mapping[str, Any]) -> Fact | None:
    """None while the petition is in progress."""
    status = petition["status"]
    if status not in ("closed", "not_accepted") or not petition.get("closedAt"):
        return None
    closed_at = petition["closedAt"]
    figures: dict[str, int] = {}
    if status == "not_accepted":
        figures["notAccepted"] = 1
    else:
        figures["closed"] = 1
        figures["closeSeconds"] = _seconds(petition["receivedAt"], closed_at)
        if petition.get("resolution") == "resolved" and not petition.get("repeatOf"):
            figures["resolvedAtFirstContact"] = 1
    missed = _deadlines_missed(petition)
    if missed:
        figures["deadlinesMissed"] = missed
    return _petition_fact("closed", petition, figures)


def _deadlines_missed(petition: Mapping[str, Any]) -> int:
    """信访工作条例 (2022) art. 24 (accept within 15 days) and art. 35 (conclude within
    60 days, or the extended date): one point per deadline the closed case overran."""
    accepted = petition.get("acceptedAt") or petition["closedAt"]
    missed = int(bool(petition.get("acceptanceDueAt")) and accepted > petition["acceptanceDueAt"])
    if petition["status"] == "closed":
        concluded = petition.get("repliedAt") or petition["closedAt"]
        due = petition.get("conclusionDueAt")
        missed += int(bool(due) and concluded > due)
    return missed


def task_escalated(petition: Mapping[str, Any], task_id: str) -> Fact:
    """An overdue task handed up to the leader (督办): counted once per task."""
    return _petition_fact(f"escalated:{task_id}", petition, {"escalatedTasks": 1})


def _petition_fact(kind: str, petition: Mapping[str, Any], figures: dict[str, int]) -> Fact:
    return Fact(
        key=f"petition:{petition['petitionId']}:{kind}",
        series=PETITIONS,
        month=month_of(petition["receivedAt"]),
        district=petition.get("district") or NO_DISTRICT,
        figures=figures,
    )


def petition_facts(petition: Mapping[str, Any], escalated_tasks: Iterable[str] = ()) -> list[Fact]:
    """Every fact a petition record holds (the rebuild)."""
    closed = petition_closed(petition)
    return [
        petition_received(petition),
        *([closed] if closed else []),
        *(task_escalated(petition, task_id) for task_id in escalated_tasks),
    ]


# Identity changes


def application_submitted(application: Application) -> Fact:
    return _application_fact("submitted", application, {"applications": 1})


def application_completed(application: Application) -> Fact | None:
    """The first completion (None before it): duration from approval, and per agency
    its linked update and whether it ever failed."""
    first = next((e for e in application.timeline if e.get("event") in _COMPLETIONS), None)
    if first is None or not application.decided_at:
        return None
    failed = {lu.agency for lu in application.linked_updates if lu.status == LinkStatus.FAILED}
    failed |= {
        e["event"].split(":", 1)[1]
        for e in application.timeline
        if str(e.get("event", "")).startswith("retry_requested:")
    }
    tenths = round(_seconds(application.decided_at, first["at"]) / 360)
    figures: Counter[str] = Counter({"completed": 1, f"hours:{tenths}": 1})
    if not failed:
        figures["completedWithoutFailures"] = 1
    for link in application.linked_updates:
        figures[f"linked:{link.agency}"] += 1
        if link.agency in failed:
            figures[f"failed:{link.agency}"] += 1
    return _application_fact("completed", application, dict(figures))


def _application_fact(kind: str, application: Application, figures: dict[str, int]) -> Fact:
    return Fact(
        key=f"application:{application.application_id}:{kind}",
        series=IDENTITY,
        month=month_of(application.submitted_at),
        district=str(application.window.get("district") or NO_DISTRICT),
        figures=figures,
    )


def application_facts(application: Application) -> list[Fact]:
    completed = application_completed(application)
    return [application_submitted(application), *([completed] if completed else [])]


def add_up(facts: Iterable[Fact]) -> dict[tuple[str, str, str], dict[str, int]]:
    """(series, month, district) -> summed figures (what the counters should hold)."""
    totals: dict[tuple[str, str, str], Counter[str]] = {}
    for fact in facts:
        totals.setdefault((fact.series, fact.month, fact.district), Counter()).update(fact.figures)
    return {key: dict(sorted(c.items())) for key, c in sorted(totals.items())}
