"""/stats — the bureau's figures for a period (China Standard Time days, both inclusive).

Without `compareTo`, /stats/petitions reads the petitions of the period (unchanged since
contract v1); with it, and for /stats/identity-changes, the figures come from the
scoreboard's monthly counters (whole months)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BeforeValidator

from onetrip.api.app import PUBLIC, allow, current_caller, current_stores
from onetrip.api.pages import html_page
from onetrip.api.responses import READ, documented
from onetrip.clock import now
from onetrip.dal.petitions import PetitionStore
from onetrip.dal.scoreboard import ScoreboardStore
from onetrip.logic import scoreboard, stats
from onetrip.logic.scoreboard import CompareTo, StatsStores

router = Router()

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _calendar_day(value: object) -> object:
    """API.md dates are YYYY-MM-DD: no instants, no Unix timestamps read as dates."""
    if isinstance(value, str) and not _DAY.match(value):
        raise ValueError("Give a date as YYYY-MM-DD.")
    return value


Day = Annotated[date, BeforeValidator(_calendar_day)]


def _store() -> PetitionStore:
    return cast(StatsStores, current_stores()).petitions


def _scoreboard() -> ScoreboardStore:
    return cast(StatsStores, current_stores()).scoreboard


_COMPARE = (
    "previous_period (the same number of months just before) or previous_year (the same "
    "months a year earlier): each figure becomes {value, previous, changePercent}"
)


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
    compare_to: Annotated[CompareTo | None, Query(alias="compareTo", description=_COMPARE)] = None,
) -> dict[str, Any]:
    caller = current_caller(router)
    if compare_to is None:
        return stats.petition_stats(_store(), caller, from_, to, now())
    return scoreboard.petition_comparison(_scoreboard(), caller, from_, to, compare_to)


@router.get(
    "/stats/identity-changes",
    summary="Identity-change KPIs for applications submitted in whole months from..to "
    "(ops, petition_office, leader)",
    tags=["stats"],
    openapi_extensions=allow(*stats.READERS),
    responses=documented(200, "The KPIs of the months, by district and by month", *READ),
)
def identity_change_stats(
    from_: Annotated[Day, Query(alias="from", description="a month's first day")],
    to: Annotated[Day, Query(description="a month's last day")],
    compare_to: Annotated[CompareTo | None, Query(alias="compareTo", description=_COMPARE)] = None,
) -> dict[str, Any]:
    return scoreboard.identity_changes(_scoreboard(), current_caller(router), from_, to, compare_to)


@router.get(
    "/stats/districts",
    summary="The district ranking over whole months from..to, best first "
    "(ops, petition_office, leader)",
    tags=["stats"],
    openapi_extensions=allow(*stats.READERS),
    responses=documented(
        200,
        "[{rank, district, score, deductions: [{rule, count, points}]}]: 100 minus the "
        "points lost by the rules of domain/district_score.py; ties by district name",
        *READ,
    ),
)
def district_ranking(
    from_: Annotated[Day, Query(alias="from", description="a month's first day")],
    to: Annotated[Day, Query(description="a month's last day")],
) -> list[dict[str, Any]]:
    return scoreboard.districts(_scoreboard(), current_caller(router), from_, to)


@router.get(
    "/stats",
    summary="The leaders' chart page: monthly series and the district ranking (no token; "
    "the page asks for one and reads the routes above with it)",
    tags=["stats"],
    security=PUBLIC,
    responses={200: {"description": "The page", "content": {"text/html": {"schema": {}}}}},
)
def chart_page() -> Response[Any]:
    return html_page("stats")
