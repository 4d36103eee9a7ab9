"""/stats — petition figures for a period (China Standard Time days, both inclusive)."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BeforeValidator

from onetrip.api.app import allow, current_caller
from onetrip.api.responses import READ, documented
from onetrip.dal.petitions import PetitionStore
from onetrip.domain.petition import utc_now
from onetrip.logic import stats
from onetrip.settings import get_settings

router = Router()

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _calendar_day(value: object) -> object:
    """API.md dates are YYYY-MM-DD: no instants, no Unix timestamps read as dates."""
    if isinstance(value, str) and not _DAY.match(value):
        raise ValueError("Give a date as YYYY-MM-DD.")
    return value


Day = Annotated[date, BeforeValidator(_calendar_day)]


@lru_cache(maxsize=1)
def _store() -> PetitionStore:
    return PetitionStore(get_settings().petitions_table)


@router.get(
    "/stats/petitions",
    summary="Petition KPIs for petitions received from..to (ops, petition_office, leader)",
    tags=["stats"],
    openapi_extensions=allow(*stats.READERS),
    responses=documented(200, "The KPIs of the period", *READ),
)
def petition_stats(
    from_: Annotated[Day, Query(alias="from")],
    to: Annotated[Day, Query()],
) -> dict[str, Any]:
    return stats.petition_stats(_store(), current_caller(router), from_, to, utc_now())
