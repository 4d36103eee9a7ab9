"""The Scoreboard table: monthly counters per series and district, and the facts counted.

Items:
  SERIES#<series> / <yyyy-mm>#<district>   MonthlyCounter (figures, version)
  FACT#<fact key> / COUNTED                CountedFact (the idempotency marker)

Counting a fact is one transaction: the marker (only if absent) and the counter (only if
its version is still the one read). A redelivered event finds the marker and counts
nothing; two consumers racing on one counter retry on the version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from onetrip.dal.models import TransactionCancelled, Write, bound, transact
from onetrip.dal.models.scoreboard import CountedFact, MonthlyCounter
from onetrip.domain.scoreboard import Fact

_TRIES = 8  # version races on one counter; beyond this the SQS redelivery retries


def _series_pk(series: str) -> str:
    return f"SERIES#{series}"


@dataclass(frozen=True)
class Counter:
    month: str
    district: str
    figures: dict[str, int]


class ScoreboardStore:
    def __init__(self, table: str) -> None:
        self.counters = bound(MonthlyCounter, table)
        self.facts = bound(CountedFact, table)

    def count(self, fact: Fact, at: str) -> bool:
        """Add the fact's figures once; False if it was counted before."""
        pk, sk = _series_pk(fact.series), f"{fact.month}#{fact.district}"
        for _ in range(_TRIES):
            try:
                current = self.counters.get(pk, sk, consistent_read=True)
                version, figures = current.version, dict(current.figures)
                condition = self.counters.version == version
            except self.counters.DoesNotExist:
                version, figures = 0, {}
                condition = self.counters.pk.does_not_exist()
            for name, value in fact.figures.items():
                figures[name] = figures.get(name, 0) + value
            counter = self.counters(
                pk,
                sk,
                series=fact.series,
                month=fact.month,
                district=fact.district,
                figures=figures,
                version=version + 1,
            )
            marker = self.facts(f"FACT#{fact.key}", counted_at=at)
            try:
                transact(
                    [
                        Write.put("fact", marker, self.facts.pk.does_not_exist()),
                        Write.put("counter", counter, condition),
                    ]
                )
                return True
            except TransactionCancelled as cancelled:
                if cancelled.codes.get("fact") == "ConditionalCheckFailed":
                    return False
                if "counter" not in cancelled.failed and "fact" not in cancelled.failed:
                    raise
        raise RuntimeError(f"counter {pk}/{sk} kept changing; the delivery will be retried")

    def months(self, series: str, first: str, last: str) -> list[Counter]:
        """The counters of months first..last (yyyy-mm, inclusive): one Query."""
        between = self.counters.sk.between(f"{first}#", f"{last}#\uffff")
        return [
            Counter(item.month, item.district, dict(item.figures))
            for item in self.counters.query(_series_pk(series), between, consistent_read=True)
        ]

    def series(self, series: str) -> dict[tuple[str, str, str], dict[str, int]]:
        """Every counter of a series, keyed like `domain.scoreboard.add_up`."""
        return {
            (series, item.month, item.district): dict(sorted(item.figures.items()))
            for item in self.counters.query(_series_pk(series), consistent_read=True)
        }

    def replace(
        self,
        series: str,
        totals: Mapping[tuple[str, str, str], Mapping[str, Any]],
    ) -> None:
        """The rebuild: the series' counters become `totals`."""
        with self.counters.batch_write() as batch:
            for item in self.counters.query(_series_pk(series), consistent_read=True):
                batch.delete(item)
        with self.counters.batch_write() as batch:
            for (_, month, district), figures in totals.items():
                batch.save(
                    self.counters(
                        _series_pk(series),
                        f"{month}#{district}",
                        series=series,
                        month=month,
                        district=district,
                        figures=dict(figures),
                        version=1,
                    )
                )

    def mark_counted(self, fact_keys: list[str], at: str) -> None:
        """After a rebuild: an event still in flight for one of these counts nothing."""
        with self.facts.batch_write() as batch:
            for key in fact_keys:
                batch.save(self.facts(f"FACT#{key}", counted_at=at))
