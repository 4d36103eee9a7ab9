"""The bureau's scoreboard: counters kept from the domain events, and the figures read
from them (no table scan on the request path: one Query per series and period).

Counting: an event names a record (ids only); the consumer reads that record and counts
the fact it announces (`domain.scoreboard`), once — a redelivery counts nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from statistics import median
from typing import Any

from onetrip.clock import now_iso
from onetrip.dal.applications import ApplicationStore
from onetrip.dal.petitions import PetitionStore
from onetrip.dal.scoreboard import Counter, ScoreboardStore
from onetrip.domain import district_score
from onetrip.domain import scoreboard as facts
from onetrip.domain.access import Caller
from onetrip.errors import invalid
from onetrip.events import (
    IdentityChangeCompleted,
    IdentityChangeSubmitted,
    PetitionClosed,
    PetitionReceived,
    TaskEscalated,
)
from onetrip.logic.stats import READERS, period

# The events the Scoreboard consumer subscribes to (its EventBridge rule is built from it).
COUNTED_EVENTS = (
    PetitionReceived,
    PetitionClosed,
    TaskEscalated,
    IdentityChangeSubmitted,
    IdentityChangeCompleted,
)


@dataclass(frozen=True)
class ScoreboardStores:
    scoreboard: ScoreboardStore
    petitions: PetitionStore
    applications: ApplicationStore


@dataclass(frozen=True)
class StatsStores:
    """What StatsApi reads: the petitions (v1 figures) and the scoreboard's counters."""

    petitions: PetitionStore
    scoreboard: ScoreboardStore


def count(stores: ScoreboardStores, detail_type: str, detail: Mapping[str, Any]) -> bool:
    """Count the fact an event announces; False if there is none or it was counted."""
    fact = _fact_of(stores, detail_type, detail)
    return fact is not None and stores.scoreboard.count(fact, now_iso())


def _fact_of(
    stores: ScoreboardStores, detail_type: str, detail: Mapping[str, Any]
) -> facts.Fact | None:
    if detail_type in (PetitionReceived.detail_type, PetitionClosed.detail_type):
        petition_id = PetitionReceived.model_validate(detail).petition_id
        petition = stores.petitions.get(petition_id)
        if petition is None:
            raise LookupError(f"petition {petition_id} not found")  # retried, then DLQ
        if detail_type == PetitionReceived.detail_type:
            return facts.petition_received(petition)
        return facts.petition_closed(petition)
    if detail_type == TaskEscalated.detail_type:
        escalation = TaskEscalated.model_validate(detail)
        petition = stores.petitions.get(escalation.petition_id)
        if petition is None:
            raise LookupError(f"petition {escalation.petition_id} not found")
        return facts.task_escalated(petition, escalation.task_id)
    if detail_type in (IdentityChangeSubmitted.detail_type, IdentityChangeCompleted.detail_type):
        application_id = IdentityChangeSubmitted.model_validate(detail).application_id
        application = stores.applications.get(application_id)
        if application is None:
            raise LookupError(f"application {application_id} not found")
        if detail_type == IdentityChangeSubmitted.detail_type:
            return facts.application_submitted(application)
        return facts.application_completed(application)
    return None


# Reading the figures


class CompareTo(StrEnum):
    PREVIOUS_PERIOD = "previous_period"
    PREVIOUS_YEAR = "previous_year"


@dataclass(frozen=True)
class Months:
    first: str  # yyyy-mm
    last: str

    def names(self) -> list[str]:
        year, month = map(int, self.first.split("-"))
        out = []
        while f"{year:04d}-{month:02d}" <= self.last:
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def shifted(self, months: int) -> Months:
        return Months(_shift(self.first, months), _shift(self.last, months))

    def previous(self, compare_to: CompareTo) -> Months:
        if compare_to == CompareTo.PREVIOUS_YEAR:
            return self.shifted(-12)
        return self.shifted(-len(self.names()))


def _shift(month: str, by: int) -> str:
    year, number = map(int, month.split("-"))
    index = year * 12 + number - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def whole_months(start: date, end: date) -> Months:
    """The counters are monthly: a period is whole months, first day to last day."""
    period(start, end)  # the shared checks: order, calendar bounds, at most three years
    if start.day != 1:
        raise invalid("from", "The scoreboard counts whole months: give a month's first day.")
    if (end + timedelta(days=1)).day != 1:
        raise invalid("to", "The scoreboard counts whole months: give a month's last day.")
    return Months(start.strftime("%Y-%m"), end.strftime("%Y-%m"))


def _read(store: ScoreboardStore, series: str, months: Months) -> list[Counter]:
    return store.months(series, months.first, months.last)


def _sum(counters: Iterable[Counter]) -> dict[str, int]:
    total: dict[str, int] = {}
    for counter in counters:
        for name, value in counter.figures.items():
            total[name] = total.get(name, 0) + value
    return total


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def petition_figures(total: Mapping[str, int]) -> dict[str, Any]:
    """The petition KPIs of summed counters (same names as /stats/petitions)."""
    count, closed = total.get("total", 0), total.get("closed", 0)
    return {
        "total": count,
        "closed": closed,
        "notAccepted": total.get("notAccepted", 0),
        "repeatRate": _ratio(total.get("repeats", 0), count),
        "firstContactResolutionRate": _ratio(total.get("resolvedAtFirstContact", 0), count),
        "averageDaysToClose": round(total.get("closeSeconds", 0) / 86400 / closed, 2)
        if closed
        else None,
        "escalatedTasks": total.get("escalatedTasks", 0),
        "deadlinesMissed": total.get("deadlinesMissed", 0),
    }


def identity_figures(total: Mapping[str, int]) -> dict[str, Any]:
    """applications, completedWithoutFailures, medianHoursToComplete (approval to first
    completion, tenths of an hour), linkedUpdates per agency with their failure rate."""
    hours = [
        int(name.split(":", 1)[1]) / 10
        for name, n in total.items()
        if name.startswith("hours:")
        for _ in range(n)
    ]
    agencies = sorted(n.split(":", 1)[1] for n in total if n.startswith("linked:"))
    return {
        "applications": total.get("applications", 0),
        "completed": total.get("completed", 0),
        "completedWithoutFailures": total.get("completedWithoutFailures", 0),
        "medianHoursToComplete": round(median(hours), 2) if hours else None,
        "linkedUpdates": {
            agency: {
                "count": total[f"linked:{agency}"],
                "failed": total.get(f"failed:{agency}", 0),
                "failureRate": _ratio(total.get(f"failed:{agency}", 0), total[f"linked:{agency}"]),
            }
            for agency in agencies
        },
    }


def _petition_extras(total: Mapping[str, int]) -> dict[str, Any]:
    return {
        "byCategory": {
            name.split(":", 1)[1]: n
            for name, n in sorted(total.items())
            if name.startswith("category:")
        }
    }


def change_percent(value: float | None, previous: float | None) -> float | None:
    """(value - previous) / previous in per cent, one decimal; None without a base."""
    if value is None or not previous:
        return None
    return round((value - previous) / previous * 100, 1)


def compared(current: Any, previous: Any) -> Any:
    """Each number as {value, previous, changePercent}, nested dicts alike."""
    if isinstance(current, dict) or isinstance(previous, dict):
        current, previous = current or {}, previous or {}
        return {k: compared(current.get(k), previous.get(k)) for k in sorted({*current, *previous})}
    return {
        "value": current,
        "previous": previous,
        "changePercent": change_percent(current, previous),
    }


def _report(
    store: ScoreboardStore,
    series: str,
    months: Months,
    compare_to: CompareTo | None,
    figures: Any,
) -> dict[str, Any]:
    counters = _read(store, series, months)
    body: dict[str, Any] = figures(_sum(counters))
    if compare_to is not None:
        before = figures(_sum(_read(store, series, months.previous(compare_to))))
        body = compared(body, before)
    by_district: dict[str, list[Counter]] = {}
    for counter in counters:
        by_district.setdefault(counter.district, []).append(counter)
    body["byDistrict"] = {d: figures(_sum(cs)) for d, cs in sorted(by_district.items())}
    body["byMonth"] = [
        {"month": m, **figures(_sum(c for c in counters if c.month == m))} for m in months.names()
    ]
    return body


def petition_comparison(
    store: ScoreboardStore, caller: Caller, start: date, end: date, compare_to: CompareTo
) -> dict[str, Any]:
    caller.require(*READERS)
    months = whole_months(start, end)

    def figures(total: Mapping[str, int]) -> dict[str, Any]:
        return {**petition_figures(total), **_petition_extras(total)}

    return {
        "period": _period(months, compare_to),
        **_report(store, facts.PETITIONS, months, compare_to, figures),
    }


def identity_changes(
    store: ScoreboardStore,
    caller: Caller,
    start: date,
    end: date,
    compare_to: CompareTo | None,
) -> dict[str, Any]:
    caller.require(*READERS)
    months = whole_months(start, end)
    report = _report(store, facts.IDENTITY, months, compare_to, identity_figures)
    return {"period": _period(months, compare_to), **report}


def _period(months: Months, compare_to: CompareTo | None) -> dict[str, Any]:
    body: dict[str, Any] = {"months": [months.first, months.last]}
    if compare_to is not None:
        before = months.previous(compare_to)
        body["previousMonths"] = [before.first, before.last]
    return body


def districts(
    store: ScoreboardStore, caller: Caller, start: date, end: date
) -> list[dict[str, Any]]:
    """The district ranking of whole months from..to (`domain.district_score`)."""
    caller.require(*READERS)
    months = whole_months(start, end)
    per_district: dict[str, tuple[list[Counter], list[Counter]]] = {}
    for index, series in enumerate((facts.PETITIONS, facts.IDENTITY)):
        for counter in _read(store, series, months):
            per_district.setdefault(counter.district, ([], []))[index].append(counter)
    return district_score.ranking({d: (_sum(p), _sum(i)) for d, (p, i) in per_district.items()})
