"""Time and ids in one place, so tests can read them and formats never drift."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """ISO 8601 UTC with Z and millisecond precision (sortable as a string)."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def now_iso() -> str:
    return iso(now())


def new_id(prefix: str) -> str:
    """Opaque ids: a short prefix says what it is, the rest says nothing about the person."""
    return f"{prefix}_{uuid.uuid4().hex}"
