"""`onetrip ops rebuild-scoreboard`: recompute the scoreboard's counters from the records
of a stage (or the local runtime) with the functions' own code (logic/scoreboard_rebuild)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from onetrip.dal import aws
from onetrip.logic import scoreboard_rebuild
from onetrip.settings import Settings

from onetrip_ops.target import Target


@contextmanager
def _pointed_at(target: Target) -> Iterator[None]:
    """The process's shared clients talk to the target while the rebuild runs."""
    saved = {name: os.environ.get(name) for name in target.environment}
    os.environ.update(target.environment)
    aws.client.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        aws.client.cache_clear()


def rebuild(target: Target, *, check_only: bool) -> dict[str, Any]:
    """Compare (check_only) or replace the live counters; says what differed."""
    settings = Settings.model_validate(
        {
            "SCOREBOARD_TABLE": target.table("Scoreboard"),
            "PETITIONS_TABLE": target.table("Petitions"),
            "TASKS_TABLE": target.table("Tasks"),
            "APPLICATIONS_TABLE": target.table("Applications"),
        }
    )
    with _pointed_at(target):
        sources = scoreboard_rebuild.RebuildSources.from_settings(settings)
        if check_only:
            return scoreboard_rebuild.check(sources).as_dict()
        return {**scoreboard_rebuild.rebuild(sources).as_dict(), "ok": True, "rebuilt": True}
