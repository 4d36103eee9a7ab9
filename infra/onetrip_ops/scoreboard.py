"""`onetrip ops rebuild-scoreboard`: recompute the scoreboard's counters from the records
of a stage (or the local runtime) with the functions' own code (logic/scoreboard_rebuild)."""

from __future__ import annotations

from typing import Any

from onetrip.dal import aws
from onetrip.handlers import wiring
from onetrip.logic import scoreboard_rebuild
from onetrip.settings import Settings

from onetrip_ops.target import Target


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
    with aws.clients_from(target.client):
        sources = wiring.rebuild_sources(settings)
        if check_only:
            return scoreboard_rebuild.check(sources).as_dict()
        return {**scoreboard_rebuild.rebuild(sources).as_dict(), "ok": True, "rebuilt": True}
