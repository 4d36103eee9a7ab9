"""The district scoreboard's scoring rule (区县考核扣分办法), in one place.

Every district starts at 100 and loses `weight` points per counted occurrence of each
rule; the ranking is best first, by points lost, ties broken by the district's name
(Unicode order), so a rerun over the same counters gives the same table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FULL_MARKS = 100


@dataclass(frozen=True)
class Rule:
    name: str
    weight: int
    source: str  # where the rule and its weight come from, in one line


RULES: tuple[Rule, ...] = (
    Rule(
        "overdue_tasks",
        2,
        "信访工作条例 (2022) art. 37: an overdue task escalated to the leader (督办), per task",
    ),
    Rule(
        "repeat_petitions",
        1,
        "信访工作条例 (2022) art. 31: a petition repeating an earlier one (重复信访) means "
        "the first was not settled, per petition",
    ),
    Rule(
        "failed_linked_updates",
        1,
        "最多跑一次 reform: a linked update that failed may send the citizen on a second "
        "trip, per agency and application",
    ),
    Rule(
        "unmet_statutory_deadlines",
        3,
        "信访工作条例 (2022) arts. 24, 35: acceptance within 15 days, conclusion within 60 "
        "(+30), per deadline overrun — weighted highest, a statutory duty",
    ),
)


def occurrences(petitions: Mapping[str, int], identity: Mapping[str, int]) -> dict[str, int]:
    """How often each rule applies, from a district's summed monthly counters."""
    return {
        "overdue_tasks": petitions.get("escalatedTasks", 0),
        "repeat_petitions": petitions.get("repeats", 0),
        "failed_linked_updates": sum(v for k, v in identity.items() if k.startswith("failed:")),
        "unmet_statutory_deadlines": petitions.get("deadlinesMissed", 0),
    }


def ranking(
    per_district: Mapping[str, tuple[Mapping[str, int], Mapping[str, int]]],
) -> list[dict[str, Any]]:
    """[{rank, district, score, deductions: [{rule, count, points}]}], best first."""
    rows = []
    for district, (petitions, identity) in per_district.items():
        counts = occurrences(petitions, identity)
        deductions: list[dict[str, Any]] = [
            {
                "rule": rule.name,
                "count": counts[rule.name],
                "points": counts[rule.name] * rule.weight,
            }
            for rule in RULES
        ]
        lost = sum(counts[rule.name] * rule.weight for rule in RULES)
        rows.append((lost, district, deductions))
    rows.sort(key=lambda row: (row[0], row[1]))
    return [
        {"rank": rank, "district": district, "score": FULL_MARKS - lost, "deductions": deductions}
        for rank, (lost, district, deductions) in enumerate(rows, start=1)
    ]
