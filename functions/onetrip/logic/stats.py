"""Petition statistics for a period (信访工作考核指标): volume, closures, repeat rate,
first-contact resolution rate (初信初访一次性化解率), overdue tasks, time to close."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from onetrip.domain.access import Caller, Role
from onetrip.domain.petition import (
    EARLIEST_RECEIPT,
    PetitionStatus,
    Resolution,
    TaskStatus,
    iso,
    parse_instant,
)
from onetrip.errors import invalid
from onetrip.logic.petition_ports import Petitions

# The bureau's days are China Standard Time days (UTC+8, no DST).
CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")
_MAX_PERIOD = timedelta(days=3 * 366)
# Dates a period may name: no petition is received before 2000 (EARLIEST_RECEIPT), and
# the end's next midnight must still be a datetime (as a four-digit-year ISO string).
EARLIEST_DAY = EARLIEST_RECEIPT.date()
LATEST_DAY = date(9998, 12, 31)
# Who reads the bureau's figures (API.md, /stats).
READERS = (Role.OPS, Role.PETITION_OFFICE, Role.LEADER)


def period(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) in China Standard Time, as UTC instants."""
    for name, day in (("from", start), ("to", end)):
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise invalid(name, f"Give a date from {EARLIEST_DAY} to {LATEST_DAY}.")
    if end < start:
        raise invalid("to", "The period ends before it starts.")
    if end - start > _MAX_PERIOD:
        raise invalid("from", "A period is at most three years.")
    begin = datetime.combine(start, time(0), CHINA_STANDARD_TIME)
    finish = datetime.combine(end + timedelta(days=1), time(0), CHINA_STANDARD_TIME)
    return begin, finish


def petition_stats(
    petitions: Petitions, caller: Caller, start: date, end: date, now: datetime
) -> dict[str, Any]:
    caller.require(*READERS)
    begin, finish = period(start, end)
    # BETWEEN is inclusive: the end bound is the last millisecond of the period.
    low, high = iso(begin), iso(finish - timedelta(milliseconds=1))
    found = [p for s in PetitionStatus for p in petitions.by_status(s.value, low, high)]
    return compute(found, now)


def compute(petitions: Iterable[dict[str, Any]], now: datetime) -> dict[str, Any]:
    """The figures for the petitions received in the period (pure; `now` decides overdue).

    repeatRate: share with a non-empty `repeatOf`. firstContactResolutionRate: share closed
    as `resolved` that neither repeat an earlier petition nor are repeated by one in the
    period. overdueOpenTasks: open steps past `dueAt` of the period's petitions in progress.
    averageDaysToClose: receipt to closure of the closed ones (None if none). Rates are
    0-1 with four decimals, 0 for an empty period.
    """
    items = list(petitions)
    total = len(items)
    closed = [p for p in items if p["status"] == PetitionStatus.CLOSED.value]
    not_accepted = sum(1 for p in items if p["status"] == PetitionStatus.NOT_ACCEPTED.value)
    repeats = [p for p in items if p.get("repeatOf")]
    repeated_ids = {earlier for p in repeats for earlier in p["repeatOf"]}
    first_contact_resolved = sum(
        1
        for p in closed
        if p.get("resolution") == Resolution.RESOLVED.value
        and not p.get("repeatOf")
        and p["petitionId"] not in repeated_ids
    )
    now_iso = iso(now)
    overdue = sum(
        1
        for p in items
        if p["status"] == PetitionStatus.IN_PROGRESS.value
        for s in (p.get("steps") or {}).values()
        if s["status"] == TaskStatus.OPEN.value and s["dueAt"] < now_iso
    )
    days_to_close = [
        (parse_instant(p["closedAt"]) - parse_instant(p["receivedAt"])).total_seconds() / 86400
        for p in closed
    ]
    return {
        "total": total,
        "closed": len(closed),
        "notAccepted": not_accepted,
        "repeatRate": _ratio(len(repeats), total),
        "firstContactResolutionRate": _ratio(first_contact_resolved, total),
        "overdueOpenTasks": overdue,
        "averageDaysToClose": round(sum(days_to_close) / len(days_to_close), 2)
        if days_to_close
        else None,
        "byCategory": dict(sorted(Counter(p["category"] for p in items).items())),
    }


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
