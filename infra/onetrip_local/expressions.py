"""EventBridge Scheduler expressions: rate(), cron() and at(), and when they fire next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from onetrip_local.template import TemplateError

_UNITS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
_DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]  # AWS cron: 1 = Sunday … 7 = Saturday


class ScheduleExpression:
    def __init__(self, expression: str, timezone: str = "UTC") -> None:
        self.expression = expression
        self.zone = ZoneInfo(timezone)
        kind, _, rest = expression.partition("(")
        self.kind, body = kind.strip(), rest.rstrip(")").strip()
        if self.kind == "rate":
            amount, unit = body.split()
            self.period = timedelta(seconds=int(amount) * _UNITS[unit.rstrip("s")])
        elif self.kind == "at":
            self.at = datetime.fromisoformat(body).replace(tzinfo=self.zone)
        elif self.kind == "cron":
            fields = body.split()
            if len(fields) != 6:
                raise TemplateError(f"{expression}: a cron expression has six fields")
            minute, hour, dom, month, dow, year = fields
            self.minutes = _field(minute, 0, 59)
            self.hours = _field(hour, 0, 23)
            self.days = _field(dom, 1, 31)
            self.months = _field(month, 1, 12, _MONTHS, 1)
            self.weekdays = _field(dow, 1, 7, _DAYS, 1)
            self.years = _field(year, 1970, 2199)
        else:
            raise TemplateError(f"unknown schedule expression {expression!r}")

    def next_after(self, after: datetime, *, created: datetime) -> datetime | None:
        """The first firing strictly after `after` (rate counts from `created`)."""
        if self.kind == "rate":
            periods = (after - created) // self.period + 1
            return created + periods * self.period
        if self.kind == "at":
            return self.at.astimezone(UTC) if self.at > after else None
        local = after.astimezone(self.zone).replace(second=0, microsecond=0)
        day = local.date()
        for _ in range(366 * 5):
            if self._day_matches(day.year, day.month, day.day, (day.isoweekday() % 7) + 1):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        candidate = datetime(day.year, day.month, day.day, hour, minute,
                                             tzinfo=self.zone)  # fmt: skip
                        if candidate > after:
                            return candidate.astimezone(UTC)
            day += timedelta(days=1)
        return None

    def _day_matches(self, year: int, month: int, day: int, weekday: int) -> bool:
        return (
            year in self.years and month in self.months
            and day in self.days and weekday in self.weekdays
        )  # fmt: skip


def _field(
    text: str, low: int, high: int, names: list[str] | None = None, first: int = 0
) -> set[int]:
    if text in ("*", "?"):
        return set(range(low, high + 1))
    normal = text.upper()
    for index, name in enumerate(names or []):
        normal = normal.replace(name, str(index + first))
    if any(mark in normal for mark in ("L", "W", "#")):
        raise TemplateError(f"cron field {text!r}: L, W and # are not emulated locally")
    values: set[int] = set()
    for part in normal.split(","):
        span, _, step = part.partition("/")
        if span == "*":
            start, end = low, high
        else:
            start_text, _, end_text = span.partition("-")
            start = int(start_text)
            end = int(end_text) if end_text else (high if step else start)
        values.update(range(start, end + 1, int(step) if step else 1))
    return values
