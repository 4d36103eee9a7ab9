"""Recompute the scoreboard's counters from the records (`onetrip ops rebuild-scoreboard`).

The same fact functions as the live consumer (`domain.scoreboard`), applied to every
petition, escalated task and application: a rebuild over records whose events were all
consumed gives exactly the live counters. `check` compares without writing; `rebuild`
replaces the counters and marks every fact counted, so an event still in flight does not
count its fact a second time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from onetrip.clock import now_iso
from onetrip.dal.applications import ApplicationStore
from onetrip.dal.petitions import PetitionStore
from onetrip.dal.scoreboard import ScoreboardStore
from onetrip.dal.tasks import TaskStore
from onetrip.domain import scoreboard as facts

SERIES = (facts.PETITIONS, facts.IDENTITY)
Totals = dict[tuple[str, str, str], dict[str, int]]


@dataclass(frozen=True)
class RebuildSources:
    scoreboard: ScoreboardStore
    petitions: PetitionStore
    tasks: TaskStore
    applications: ApplicationStore


@dataclass
class Comparison:
    """Counters that differ: (series, month, district) -> {figure: [live, recomputed]}."""

    counters: int = 0
    facts: int = 0
    differences: dict[str, dict[str, list[int]]] = field(default_factory=dict)

    @property
    def agrees(self) -> bool:
        return not self.differences

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.agrees,
            "counters": self.counters,
            "facts": self.facts,
            "differences": self.differences,
        }


def recompute(sources: RebuildSources) -> tuple[Totals, list[str]]:
    """The counters the records imply, and the keys of the facts in them."""
    escalated: dict[str, list[str]] = defaultdict(list)
    for petition_id, task_id in sources.tasks.ever_escalated():
        escalated[petition_id].append(task_id)
    found = [
        fact
        for petition in sources.petitions.every()
        for fact in facts.petition_facts(petition, sorted(escalated[petition["petitionId"]]))
    ]
    found += [
        fact
        for application in sources.applications.every()
        for fact in facts.application_facts(application)
    ]
    return facts.add_up(found), sorted(f.key for f in found)


def check(sources: RebuildSources) -> Comparison:
    """Compare the live counters with a recomputation (writes nothing)."""
    totals, keys = recompute(sources)
    live: Totals = {}
    for series in SERIES:
        live.update(sources.scoreboard.series(series))
    return _compare(live, totals, len(keys))


def rebuild(sources: RebuildSources) -> Comparison:
    """Replace the counters with the recomputation; returns what differed before."""
    totals, keys = recompute(sources)
    live: Totals = {}
    at = now_iso()
    for series in SERIES:
        live.update(sources.scoreboard.series(series))
        mine = {k: v for k, v in totals.items() if k[0] == series}
        sources.scoreboard.replace(series, mine)
    sources.scoreboard.mark_counted(keys, at)
    return _compare(live, totals, len(keys))


def _compare(live: Totals, recomputed: Totals, fact_count: int) -> Comparison:
    result = Comparison(counters=len(recomputed), facts=fact_count)
    for key in sorted({*live, *recomputed}):
        have, want = live.get(key, {}), recomputed.get(key, {})
        differ = {
            name: [have.get(name, 0), want.get(name, 0)]
            for name in sorted({*have, *want})
            if have.get(name, 0) != want.get(name, 0)
        }
        if differ:
            result.differences["/".join(key)] = differ
    return result
