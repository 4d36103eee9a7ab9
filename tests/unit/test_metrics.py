"""Business metrics are CloudWatch EMF lines (checked against the EMF specification's
shape: _aws.CloudWatchMetrics[{Namespace, Dimensions, Metrics}] plus the values)."""

from __future__ import annotations

import json

import pytest
from onetrip import metrics
from onetrip.metrics import Metric


def emf_lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith('{"_aws"')]


def test_a_count_is_one_emf_line_with_its_dimensions(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Onetrip/prod")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "onetrip")

    metrics.count(Metric.LINKED_UPDATES_FAILED, agency="water")

    (line,) = emf_lines(capsys.readouterr().out)
    (directive,) = line["_aws"]["CloudWatchMetrics"]  # type: ignore[index]
    assert directive["Namespace"] == "Onetrip/prod"
    assert directive["Metrics"] == [{"Name": "LinkedUpdatesFailed", "Unit": "Count"}]
    assert sorted(directive["Dimensions"][0]) == ["agency", "service"]
    assert (line["LinkedUpdatesFailed"], line["agency"], line["service"]) == (
        [1.0],
        "water",
        "onetrip",
    )


def test_the_outbox_age_is_in_seconds(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "onetrip")
    monkeypatch.delenv("POWERTOOLS_METRICS_NAMESPACE", raising=False)

    metrics.count(Metric.OUTBOX_OLDEST_AGE, 412.5)

    (line,) = emf_lines(capsys.readouterr().out)
    (directive,) = line["_aws"]["CloudWatchMetrics"]  # type: ignore[index]
    assert directive["Namespace"] == "Onetrip/local"  # outside Lambda: a namespace anyway
    assert directive["Metrics"] == [{"Name": "OutboxOldestItemAge", "Unit": "Seconds"}]
    assert line["OutboxOldestItemAge"] == [412.5]


def test_a_broken_metric_never_breaks_the_business_path(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "onetrip")
    # A value that is not a number: Powertools refuses it (MetricValueError).
    metrics.count(Metric.REMINDERS_SENT, "many", kind="half")  # type: ignore[arg-type]

    assert emf_lines(capsys.readouterr().out) == []
