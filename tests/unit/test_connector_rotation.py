"""A webhook connector's rotation window (`rotationGraceHours`, connectors.py)."""

from __future__ import annotations

import pytest
from onetrip.routing import Agency
from onetrip_infra.connectors import ConnectorError, parse

WATER = {"mode": "webhook", "endpoint": "https://water.example/onetrip"}


def test_the_previous_secret_signs_for_a_day_unless_the_connector_says() -> None:
    assert parse({"water": WATER})[Agency.WATER].rotation_grace_hours == 24
    chosen = parse({"water": {**WATER, "rotationGraceHours": 72}})
    assert chosen[Agency.WATER].rotation_grace_hours == 72


@pytest.mark.parametrize("hours", [0, -1])
def test_a_window_shorter_than_an_hour_is_refused(hours: int) -> None:
    with pytest.raises(ConnectorError, match="connectors.water: rotationGraceHours"):
        parse({"water": {**WATER, "rotationGraceHours": hours}})
