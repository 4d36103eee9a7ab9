"""When the template's schedules fire (EventBridge Scheduler expression semantics)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from onetrip_local.expressions import ScheduleExpression
from onetrip_local.template import TemplateError

CREATED = datetime(2026, 3, 2, 8, 7, 30, tzinfo=UTC)  # a Monday


def _next(expression: str, after: datetime, timezone: str = "UTC") -> datetime | None:
    return ScheduleExpression(expression, timezone).next_after(after, created=CREATED)


def test_rate_counts_from_creation() -> None:
    assert _next("rate(15 minutes)", CREATED) == datetime(2026, 3, 2, 8, 22, 30, tzinfo=UTC)
    later = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert _next("rate(1 hour)", later) == datetime(2026, 3, 2, 9, 7, 30, tzinfo=UTC)


def test_cron_with_weekdays_ranges_and_steps() -> None:
    # 09:00 and 09:30 on weekdays (2-6 = MON-FRI in AWS cron)
    expression = "cron(0/30 9 ? * MON-FRI *)"
    assert _next(expression, CREATED) == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    friday_evening = datetime(2026, 3, 6, 18, 0, tzinfo=UTC)
    assert _next(expression, friday_evening) == datetime(2026, 3, 9, 9, 0, tzinfo=UTC)


def test_cron_in_a_time_zone() -> None:
    # 08:00 in Shanghai is 00:00 UTC
    fired = _next("cron(0 8 * * ? *)", CREATED, timezone="Asia/Shanghai")
    assert fired == datetime(2026, 3, 3, 0, 0, tzinfo=UTC)


def test_at_fires_once() -> None:
    expression = "at(2026-03-05T10:00:00)"
    assert _next(expression, CREATED) == datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
    assert _next(expression, datetime(2026, 3, 6, tzinfo=UTC)) is None


def test_unsupported_cron_features_are_refused_not_ignored() -> None:
    with pytest.raises(TemplateError, match="not emulated"):
        ScheduleExpression("cron(0 10 L * ? *)")
    assert ScheduleExpression("cron(0 10 * JUL-SEP ? *)").months == {7, 8, 9}
