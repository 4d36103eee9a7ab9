"""Time and ids in one place, so tests can read them and formats never drift."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """ISO 8601 UTC with Z and millisecond precision: sorts as a string, as the indexes need."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant (Z or an offset) as an aware UTC datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def now_iso() -> str:
    return iso(now())


def new_id(prefix: str) -> str:
    """Opaque ids: a short prefix says what it is, the rest says nothing about the person."""
    return f"{prefix}_{uuid.uuid4().hex}"


def scheduled_time(event: Mapping[str, Any]) -> datetime:
    """The instant a scheduled invocation stands for (its `time`), else now."""
    raw = event.get("time") if isinstance(event, Mapping) else None
    return parse_instant(str(raw)) if raw else now()
